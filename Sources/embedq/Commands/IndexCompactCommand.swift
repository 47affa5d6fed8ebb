import ArgumentParser
import EmbedQ

/// `embedq index compact INDEX`.
struct IndexCompactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Rewrite an index without its deleted documents.")

    @Argument(help: "The index file.")
    var index: String

    func run() throws {
        let start = ContinuousClock.now
        let removed = try IndexFile.compact(at: index)
        StandardError.log("compacted \(index): removed \(removed) deleted rows in \(seconds(since: start))")
    }
}
