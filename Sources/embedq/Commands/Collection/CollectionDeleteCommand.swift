import ArgumentParser
import EmbedQ

/// `embedq collection delete DIR (--ids IDS.txt | ID…)`.
struct CollectionDeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete points by id (one atomic, durable batch).",
        discussion: "Ids the collection does not hold are reported on standard error; the exit status is 1 when none matched.")

    @Argument(help: "The collection directory.")
    var directory: String

    @Argument(help: "Ids to delete.")
    var pointIDs: [String] = []

    @Option(name: .long, help: "A file of ids to delete, one per line.")
    var ids: String?

    func validate() throws {
        guard ids != nil || !pointIDs.isEmpty else { throw ValidationError("give the ids to delete as arguments or with --ids FILE") }
    }

    func run() throws {
        var requested = pointIDs
        if let ids { requested += try IndexInput.ids(ids) }
        let collection = try VectorCollection(opening: directory)
        let report = try collection.delete(ids: requested)
        collection.close()
        for id in report.missing.prefix(10) { StandardError.warn("no point with id '\(id)' in \(directory)") }
        if report.missing.count > 10 { StandardError.warn("… and \(report.missing.count - 10) more unknown ids") }
        StandardError.log("deleted \(report.applied) points from \(directory)")
        if report.applied == 0 { throw CommandFailure("\(directory): none of the \(requested.count) ids matched a point") }
    }
}
