import ArgumentParser
import EmbedQ

/// `embedq collection flush DIR`.
struct CollectionFlushCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flush", abstract: "Write the points in memory (the log) as a segment.")

    @Argument(help: "The collection directory.")
    var directory: String

    func run() throws {
        let collection = try VectorCollection(opening: directory)
        let report = try collection.flush()
        collection.close()
        StandardError.log("flushed \(report.rowsWritten) points into \(report.segmentsWritten) segment(s) of \(directory)")
    }
}

/// `embedq collection merge DIR [--all] [--factor F]`.
struct CollectionMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine segments, dropping deleted points (size-tiered unless --all).")

    @Argument(help: "The collection directory.")
    var directory: String

    @Flag(name: .long, help: "Merge every segment into one.")
    var all = false

    @Option(name: .long, help: "Size-tiered: merge when this many segments share a size tier.")
    var factor: Int = 4

    func run() throws {
        let start = ContinuousClock.now
        let collection = try VectorCollection(opening: directory)
        let report = try collection.merge(all ? .all : .tiered(factor: factor))
        collection.close()
        StandardError.log("merged \(report.segmentsRemoved) segments into \(report.segmentsWritten) (\(report.rowsWritten) points, \(report.rowsDropped) deleted rows dropped) in \(seconds(since: start))")
    }
}

/// `embedq collection info DIR [--json]`.
struct CollectionInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Describe a collection.")

    @Argument(help: "The collection directory.")
    var directory: String

    @Flag(name: .long, help: "One JSON object.")
    var json = false

    struct Segment: Encodable {
        var file: String
        var rows: Int
        var deleted: Int
    }

    /// The graph parameters of an `hnsw` collection.
    struct Graph: Encodable {
        var m: Int
        var efConstruction: Int
        var seed: UInt64
    }

    struct Info: Encodable {
        var directory: String
        /// `flat` or `hnsw`.
        var index: String
        /// The graph parameters (`hnsw` only).
        var graph: Graph?
        var dimension: Int
        var precision: String
        var rescoring: String?
        var count: Int
        var memoryRows: Int
        var sequence: UInt64
        var generation: UInt64
        var hasRanges: Bool
        var segments: [Segment]
    }

    func run() throws {
        let snapshot = try VectorCollection(opening: directory, writable: false).snapshot()
        let configuration = snapshot.configuration
        let info = Info(
            directory: directory, index: configuration.index.name,
            graph: configuration.index.graphParameters.map { Graph(m: $0.connectivity, efConstruction: $0.efConstruction, seed: $0.seed) },
            dimension: configuration.dimension, precision: configuration.precision.rawValue,
            rescoring: configuration.rescoring?.rawValue, count: snapshot.count, memoryRows: snapshot.memoryRows,
            sequence: snapshot.sequence, generation: snapshot.generation, hasRanges: configuration.ranges != nil,
            segments: snapshot.segments.map { Segment(file: $0.file, rows: $0.rows, deleted: $0.deleted) })
        if json {
            try JSONOutput.printLine(info)
            return
        }
        print("collection \(directory)")
        print("  dimension \(info.dimension), \(info.precision)\(info.rescoring.map { " + \($0) rescoring" } ?? ""), ranges \(info.hasRanges ? "set" : "not yet")")
        if let graph = info.graph {
            print("  index hnsw: a graph per segment (M \(graph.m), ef_construction \(graph.efConstruction), seed \(graph.seed))")
        } else {
            print("  index flat (exact scan)")
        }
        print("  points \(info.count), in memory \(info.memoryRows) rows, last batch \(info.sequence), manifest generation \(info.generation)")
        for segment in info.segments { print("  \(segment.file): \(segment.rows) rows, \(segment.deleted) deleted") }
    }
}

/// `embedq collection verify DIR`.
struct CollectionVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Check every checksum of every file, the log and id uniqueness.")

    @Argument(help: "The collection directory.")
    var directory: String

    func run() throws {
        let collection = try VectorCollection(opening: directory, writable: false)
        try collection.verify()
        StandardError.log("\(directory): ok (\(collection.snapshot().count) points)")
    }
}

/// `embedq collection snapshot DIR --output DIR2`.
struct CollectionSnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot", abstract: "Write a consistent copy of a collection (segments hard-linked).")

    @Argument(help: "The collection directory.")
    var directory: String

    @Option(name: .long, help: "The new directory of the copy.")
    var output: String

    func run() throws {
        let collection = try VectorCollection(opening: directory)
        try collection.copySnapshot(to: output)
        collection.close()
        StandardError.log("copied \(directory) to \(output)")
    }
}

/// `embedq collection attach DIR SEGMENT…`.
struct CollectionAttachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Add finished segment files atomically (ids replace existing ones; attaching a file again does nothing).")

    @Argument(help: "The collection directory.")
    var directory: String

    @Argument(help: "Segment files (from build-segment).")
    var segments: [String]

    func run() throws {
        let collection = try VectorCollection(opening: directory)
        let report = try collection.attach(segments: segments)
        collection.close()
        StandardError.log("attached \(report.attached) segments (\(report.points) points, \(report.replaced) replaced), \(report.alreadyAttached) attached before")
    }
}

/// `embedq collection convert INDEX --output DIR`.
struct CollectionConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert", abstract: "Create a collection whose one segment is an existing index file (left unchanged).")

    @Argument(help: "The index file.")
    var index: String

    @Option(name: .long, help: "The new collection directory.")
    var output: String

    func run() throws {
        let collection = try VectorCollection.convert(indexFile: index, to: output)
        let count = collection.snapshot().count
        collection.close()
        StandardError.log("converted \(index) into the collection \(output) (\(count) points)")
    }
}
