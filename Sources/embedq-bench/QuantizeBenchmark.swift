import ArgumentParser
import EmbedQ
import Foundation

/// Times int8 and binary quantization of a float32 `.npy` matrix on one thread, checks the
/// bytes against reference files, and measures the memory read floor on the same data.
struct QuantizeBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Time int8 and binary quantization; print JSON with medians and byte checks.")

    @Argument(help: "Float32 embeddings (.npy, n × d).")
    var input: String

    @Option(help: "Ranges (.npy, 2 × d) for int8.")
    var ranges: String

    @Option(help: "sentence-transformers' int8 output for the same input, to compare bytes with.")
    var referenceInt8: String?

    @Option(help: "sentence-transformers' binary output for the same input, to compare bytes with.")
    var referenceBinary: String?

    @Option(help: "Timed runs per precision (after one warm-up run).")
    var runs: Int = 5

    func run() throws {
        let embeddings = try EmbeddingMatrix(contentsOfNPY: input)
        let rangeValues = try RangesFile.read(contentsOf: ranges)
        var results: [String: PrecisionTiming] = [:]
        for (precision, reference) in [(Precision.int8, referenceInt8), (.binary, referenceBinary)] {
            let quantizer = EmbeddingQuantizer(precision: precision, ranges: rangeValues)
            var codes = try quantizer.quantize(embeddings)  // warm-up
            var times: [Double] = []
            for _ in 0..<max(1, runs) {
                times.append(try Timing.seconds { codes = try quantizer.quantize(embeddings) })
            }
            let identical = try reference.map { try NPYFile.read(contentsOf: $0).bytes == codes.codes }
            results[precision.rawValue] = PrecisionTiming(
                medianSeconds: Timing.median(times), runs: times, bytesIdentical: identical)
        }
        let floor = (0..<max(1, runs)).map { _ in Timing.seconds { _ = Self.streamingSum(embeddings.values) } }
        let report = QuantizeBenchmarkReport(
            rows: embeddings.rowCount, dimension: embeddings.dimension, inputBytes: embeddings.values.count * 4,
            results: results, readFloorSeconds: Timing.median(floor))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    }

    /// Sums every value with wide independent accumulators: the time of one streaming read of
    /// the input, the floor for any quantizer that must read all of it.
    @inline(never)
    static func streamingSum(_ values: [Float]) -> Float {
        values.withUnsafeBufferPointer { buffer in
            var lanes = SIMD16<Float>()
            var second = SIMD16<Float>()
            let blocks = buffer.count / 32
            let raw = UnsafeRawPointer(buffer.baseAddress!)
            for block in 0..<blocks {
                lanes += raw.loadUnaligned(fromByteOffset: block * 128, as: SIMD16<Float>.self)
                second += raw.loadUnaligned(fromByteOffset: block * 128 + 64, as: SIMD16<Float>.self)
            }
            var total = (lanes + second).sum()
            for index in (blocks * 32)..<buffer.count { total += buffer[index] }
            return total
        }
    }
}

/// One precision's timings.
struct PrecisionTiming: Encodable {
    var medianSeconds: Double
    var runs: [Double]
    var bytesIdentical: Bool?

    enum CodingKeys: String, CodingKey {
        case medianSeconds = "median_s"
        case runs
        case bytesIdentical = "bytes_identical"
    }
}

/// The JSON `embedq-bench quantize` prints.
struct QuantizeBenchmarkReport: Encodable {
    var rows: Int
    var dimension: Int
    var inputBytes: Int
    var results: [String: PrecisionTiming]
    var readFloorSeconds: Double

    enum CodingKeys: String, CodingKey {
        case rows, dimension, results
        case inputBytes = "input_bytes"
        case readFloorSeconds = "read_floor_s"
    }
}
