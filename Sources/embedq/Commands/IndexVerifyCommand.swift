import ArgumentParser
import EmbedQ

/// `embedq index verify INDEX`.
struct IndexVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every checksum of an index, the rescoring codes included, and id uniqueness.",
        discussion: "Prints 'ok' and exits 0 for a sound index; names the file and the damage and exits 1 otherwise.")

    @Argument(help: "The index file.")
    var index: String

    func run() throws {
        let start = ContinuousClock.now
        let opened = try IndexFile.open(at: index, verify: true)
        print("ok: \(index): \(opened.count) live documents, generation \(opened.generation)")
        StandardError.log("verified in \(seconds(since: start))")
    }
}
