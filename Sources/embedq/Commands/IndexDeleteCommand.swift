import ArgumentParser
import EmbedQ

/// `embedq index delete INDEX --ids IDS.txt` or `embedq index delete INDEX ID…`.
struct IndexDeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Mark documents deleted by id (`embedq index compact` reclaims their space).",
        discussion: "Ids that match no live document are reported on standard error; the exit status is 1 when none matched.")

    @Argument(help: "The index file.")
    var index: String

    @Argument(help: "Ids to delete.")
    var documentIDs: [String] = []

    @Option(name: .long, help: "A file of ids to delete, one per line.")
    var ids: String?

    func validate() throws {
        guard ids != nil || !documentIDs.isEmpty else { throw ValidationError("give the ids to delete as arguments or with --ids FILE") }
    }

    func run() throws {
        var requested = documentIDs
        if let ids { requested += try IndexInput.ids(ids) }
        let report = try IndexFile.delete(ids: requested, from: index)
        for id in report.unknownIDs.prefix(10) { StandardError.warn("no live document with id '\(id)' in \(index)") }
        if report.unknownIDs.count > 10 { StandardError.warn("… and \(report.unknownIDs.count - 10) more unknown ids") }
        StandardError.log("deleted \(report.deletedCount) documents from \(index) (generation \(report.generation))")
        if report.deletedCount == 0 { throw CommandFailure("\(index): none of the \(requested.count) ids matched a live document") }
    }
}
