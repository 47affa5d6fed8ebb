import ArgumentParser
import EmbedQ
import Foundation

/// `embedq-bench collection`: what a change costs in a collection against rewriting an index
/// file, search over many segments against one, merge throughput, filtered search at several
/// selectivities, peak RSS. Seeded random vectors (`--rows × --dimension`), `--precision` fast
/// codes (binary by default; rabitq1 … rabitq4 too) + int8.
/// Prints one JSON object.
struct CollectionBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collection", abstract: "Collection writes, segment count, merge and filtered search (scripts/bench-collection.sh).")

    @Option(help: "Rows of the collection.") var rows = 1_000_000
    @Option(help: "Dimensions.") var dimension = 384
    @Option(help: "Precision of the fast codes (binary, rabitq1, …); the finer codes are int8.") var precision = "binary"
    @Option(help: "Vectors per acknowledged add.") var batch = 1000
    @Option(help: "Queries per search measurement.") var queries = 50
    @Option(help: "Repetitions (medians are reported).") var repeats = 5
    @Option(help: "The built embedq, to time a whole `collection add` process.") var embedq: String?
    @Option(help: "Working directory (removed afterwards).") var work = NSTemporaryDirectory() + "embedq-bench-collection"

    struct Report: Encodable {
        var rows = 0, dimension = 0, batch = 0
        var precision = ""
        var buildSeconds = 0.0
        var addLibraryMilliseconds = 0.0
        var addProcessMilliseconds: Double?
        var indexFileAddMilliseconds = 0.0
        var searchOneSegmentMilliseconds = 0.0
        var searchTenSegmentsMilliseconds = 0.0
        var mergeRowsPerSecond = 0.0
        var filtered: [String: Double] = [:]
        var filteredHitsChecked = true
        var peakResidentMegabytes = 0.0

    }

    func vectors(_ count: Int, seed: UInt64) -> EmbeddingMatrix {
        var state = seed
        var values = [Float](repeating: 0, count: count * dimension)
        for index in values.indices {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            values[index] = Float(Int64(state >> 33) % 2001 - 1000) / 1000
        }
        return try! EmbeddingMatrix(rowCount: count, dimension: dimension, values: values)
    }

    func run() throws {
        try? FileManager.default.removeItem(atPath: work)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let fast = try Precision(parsing: precision)
        var report = Report(rows: rows, dimension: dimension, batch: batch, precision: fast.rawValue)
        let chunk = 50_000
        let queryMatrix = vectors(queries, seed: 99)
        func log(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

        let corpus = vectors(rows, seed: 1)
        // One segment of `rows` points, payload {"bucket": i % 1000}.
        let one = work + "/one"
        let configuration = CollectionConfiguration(dimension: dimension, precision: fast, rescoring: .int8, calibrationRows: 1000)
        var collection = try VectorCollection.create(at: one, configuration: configuration, autoFlushRows: nil)
        report.buildSeconds = try Timing.seconds {
            var start = 0
            while start < rows {
                let count = min(chunk, rows - start)
                let ids = (start..<(start + count)).map { "p\($0)" }
                try collection.upsert(ids: ids, vectors: corpus[rows: start..<(start + count)], payloads: (start..<(start + count)).map { Payload(["bucket": .integer(Int64($0 % 1000))]) })
                start += count
            }
            try collection.flush()
        }
        log("built \(rows) rows in \(report.buildSeconds) s")

        // Acknowledged add of `batch` vectors (library), then a whole process.
        var adds: [Double] = []
        for repeat_ in 0..<repeats {
            let ids = (0..<batch).map { "a\(repeat_)-\($0)" }
            let batchVectors = vectors(batch, seed: 1000 + UInt64(repeat_))
            adds.append(try Timing.seconds { try collection.upsert(ids: ids, vectors: batchVectors) } * 1000)
        }
        report.addLibraryMilliseconds = Timing.median(adds)
        collection.close()
        if let embedq {
            let batchVectors = vectors(batch, seed: 5)
            try NPYFile.write(NPYArray(float32: batchVectors.values, shape: [batch, dimension]), to: work + "/batch.npy")
            var times: [Double] = []
            for repeat_ in 0..<repeats {
                try Data(((0..<batch).map { "c\(repeat_)-\($0)" }.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: work + "/batch.txt"))
                let process = Process()
                process.executableURL = URL(fileURLWithPath: embedq)
                process.arguments = ["collection", "add", one, "--vectors", work + "/batch.npy", "--ids", work + "/batch.txt"]
                process.standardError = FileHandle.nullDevice
                times.append(try Timing.seconds {
                    try process.run()
                    process.waitUntilExit()
                } * 1000)
                guard process.terminationStatus == 0 else { throw ValidationError("embedq collection add failed") }
            }
            report.addProcessMilliseconds = Timing.median(times)
        }
        collection = try VectorCollection(opening: one, autoFlushRows: nil)
        try collection.flush()

        // The peer: the same add to an index file of `rows` rows (rewrites the file).
        let indexPath = work + "/index.embq"
        do {
            try IndexBuilder.create(at: indexPath, embeddings: corpus, ids: (0..<rows).map { "p\($0)" }, precision: fast, rescoring: .int8)
            var times: [Double] = []
            for repeat_ in 0..<min(repeats, 3) {
                let batchVectors = vectors(batch, seed: 1000 + UInt64(repeat_))
                let ids = (0..<batch).map { "a\(repeat_)-\($0)" }
                times.append(try Timing.seconds { _ = try IndexBuilder.add(to: indexPath, embeddings: batchVectors, ids: ids) } * 1000)
            }
            report.indexFileAddMilliseconds = Timing.median(times)
            try? FileManager.default.removeItem(atPath: indexPath)
        }
        log("adds measured")

        func searchMilliseconds(_ snapshot: CollectionSnapshot, filter: PayloadFilter? = nil) throws -> Double {
            _ = try snapshot.search(queryMatrix, k: 10, filter: filter, rescoreMultiplier: 4, threads: 1)
            var times: [Double] = []
            for _ in 0..<repeats {
                times.append(try Timing.seconds { _ = try snapshot.search(queryMatrix, k: 10, filter: filter, rescoreMultiplier: 4, threads: 1) } * 1000 / Double(queries))
            }
            return Timing.median(times)
        }
        report.searchOneSegmentMilliseconds = try searchMilliseconds(collection.snapshot())

        // Filtered search: bucket < 500 (50 %), < 50 (5 %), < 1 (0.1 %).
        for (label, bound) in [("50%", 500), ("5%", 50), ("0.1%", 1)] {
            let filter = try PayloadFilter(json: "{\"must\": [{\"key\": \"bucket\", \"range\": {\"lt\": \(bound)}}]}")
            report.filtered[label] = try searchMilliseconds(collection.snapshot(), filter: filter)
            let results = try collection.snapshot().search(queryMatrix, k: 10, filter: filter, payloads: true)
            for hits in results.hits {
                if hits.count != min(10, rows * bound / 1000) { report.filteredHitsChecked = false }
                for hit in hits where (hit.payload?["bucket"]?.number ?? 1e9) >= Double(bound) { report.filteredHitsChecked = false }
            }
        }
        collection.close()

        // Ten segments plus a memory chunk: the same rows flushed in ten parts.
        let ten = work + "/ten"
        collection = try VectorCollection.create(at: ten, configuration: configuration, autoFlushRows: nil)
        var start = 0
        let part = (rows + 9) / 10
        while start < rows {
            let count = min(chunk, rows - start, part - start % part)
            try collection.upsert(ids: (start..<(start + count)).map { "p\($0)" }, vectors: corpus[rows: start..<(start + count)])
            start += count
            if start % part == 0 || start == rows { try collection.flush() }
        }
        try collection.upsert(ids: (0..<batch).map { "m\($0)" }, vectors: vectors(batch, seed: 7))
        report.searchTenSegmentsMilliseconds = try searchMilliseconds(collection.snapshot())
        log("ten segments: \(collection.snapshot().segmentCount)")
        let mergeSeconds = try Timing.seconds { try collection.merge(.all) }
        report.mergeRowsPerSecond = Double(collection.snapshot().count) / mergeSeconds
        collection.close()

        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        if let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) {
            report.peakResidentMegabytes = (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    }
}
