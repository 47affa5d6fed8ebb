import ArgumentParser
import EmbedQ
import Foundation

/// `embedq index info INDEX [--json]`.
struct IndexInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show an index's counts, precisions, sizes and model.")

    @Argument(help: "The index file.")
    var index: String

    @Flag(help: "Print one JSON object instead of the table.")
    var json = false

    /// What `info` reports.
    struct Summary: Encodable {
        var file: String
        var formatVersion: UInt32
        var generation: UInt64
        var dimension: Int
        var rows: Int
        var live: Int
        var deleted: Int
        var fastPrecision: String
        var rescoringPrecision: String?
        var fileBytes: Int
        var fastBytes: Int
        var rescoringBytes: Int
        var idBytes: Int
        var modelName: String?
        var modelPath: String?
    }

    func run() throws {
        let opened = try IndexFile.open(at: index)
        let header = opened.header
        let summary = Summary(
            file: index, formatVersion: IndexHeader.currentVersion, generation: header.generation,
            dimension: header.dimension, rows: header.rowCount, live: header.liveCount, deleted: header.deletedCount,
            fastPrecision: header.fastPrecision.rawValue, rescoringPrecision: header.rescoringPrecision?.rawValue,
            fileBytes: header.fileLength, fastBytes: header[.fast].length, rescoringBytes: header[.rescoring].length,
            idBytes: header[.ids].length, modelName: opened.metadata?.modelName, modelPath: opened.metadata?.modelPath)
        if json {
            try JSONOutput.printLine(summary)
            return
        }
        print("""
            file         \(summary.file)
            generation   \(summary.generation)
            documents    \(summary.live) live, \(summary.deleted) deleted (\(summary.rows) rows)
            dimension    \(summary.dimension)
            fast         \(summary.fastPrecision), \(formatBytes(summary.fastBytes)) (in memory when searching)
            rescoring    \(summary.rescoringPrecision.map { "\($0), \(formatBytes(summary.rescoringBytes)) (on disk)" } ?? "none")
            ids          \(formatBytes(summary.idBytes))
            file size    \(formatBytes(summary.fileBytes))
            model        \(summary.modelName ?? "not recorded")
            """)
    }
}
