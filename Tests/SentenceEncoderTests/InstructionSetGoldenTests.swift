import EmbedQTestSupport
import Foundation
import XCTest
@testable import SentenceEncoder

/// The golden embeddings hold at every instruction-set level this CPU has, not only at the
/// best one: `embedq embed` re-run as a subprocess under each `EMBEDQ_ISA` level (the process
/// fixes its kernel table once) on a subset of the golden texts.
///
/// Besides the golden cosines, the kernels' exactness shows end to end: every SIMD level gives
/// the same fp32 and the same int8 embeddings bit for bit (the fp32 kernels evaluate the same
/// operations in the same order, the int8 sums are exact), and so do the widened bf16 variants.
final class InstructionSetGoldenTests: XCTestCase {
    /// Golden text indices: 26 short edge cases (accents, CJK, emoji, control characters, …), a
    /// SciFact query-length text and a SciFact document truncated at 256 tokens.
    static let subset = Array(3...28) + [250, 30]

    func testGoldenSubsetAtEveryInstructionSetLevel() throws {
        let model = try SharedData.modelFolder()
        let lines = try SharedData.jsonLines(SharedData.file("golden/embeddings_texts.jsonl"))
        let golden = try SharedData.float32Matrix(npy: SharedData.file("golden/embeddings_all-MiniLM-L6-v2.npy"))
        let binary = try BuiltProducts.executable("embedq")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-isa-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("texts.jsonl")
        let texts = try Self.subset.map { try XCTUnwrap(lines[$0]["text"] as? String) }
        let json = try texts.map { String(decoding: try JSONSerialization.data(withJSONObject: ["text": $0]), as: UTF8.self) }
        try json.joined(separator: "\n").write(to: input, atomically: true, encoding: .utf8)
        let d = golden.columns

        // Levels as EMBEDQ_ISA spells them (the "+native-bf16" tables are not a process level).
        let levels = EncoderKernels.availableLevels.filter { !$0.level.contains("+") }
        var firstSIMD: [WeightPrecision: (level: String, vectors: [Float])] = [:]
        for (level, kernels) in levels {
            let simd = kernels.hasSIMDMatrixProduct
            for precision in WeightPrecision.allCases where simd || precision == .float32 {
                // The portable level runs fp32 only: its int8 and bf16 products are scalar loops.
                let output = directory.appendingPathComponent("\(level)-\(precision.rawValue).npy")
                let process = Process()
                process.executableURL = binary
                process.arguments = ["embed", "--model", model.path, input.path, "--output", output.path,
                                     "--weights", precision.rawValue, "--quiet"]
                process.environment = ProcessInfo.processInfo.environment.merging(["EMBEDQ_ISA": level]) { $1 }
                let errors = Pipe()
                process.standardError = errors
                try process.run()
                let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                XCTAssertEqual(process.terminationStatus, 0, "\(level) \(precision): \(message)")
                let vectors = try SharedData.float32Matrix(npy: output).values
                XCTAssertEqual(vectors.count, texts.count * d)
                var minimum = 1.0
                var worst: Float = 0
                for (row, index) in Self.subset.enumerated() {
                    let a = vectors[(row * d)..<((row + 1) * d)]
                    let b = golden.values[(index * d)..<((index + 1) * d)]
                    minimum = min(minimum, EmbeddingGoldenTests.cosine(a, b))
                    for (x, y) in zip(a, b) { worst = max(worst, abs(x - y)) }
                }
                print(String(format: "EMBEDQ_ISA=%@ %@: min cosine to PyTorch %.9f, max |diff| %.3g (%@)",
                             level, precision.rawValue, minimum, worst, kernels.summary))
                switch precision {
                case .float32:
                    XCTAssertGreaterThanOrEqual(minimum, 0.99999, "\(level) fp32")
                    XCTAssertLessThan(worst, 2e-6, "\(level) fp32")
                case .bfloat16:
                    XCTAssertGreaterThanOrEqual(minimum, 0.999, "\(level) bf16")
                case .int8:
                    XCTAssertGreaterThanOrEqual(minimum, 0.98, "\(level) int8")
                }
                guard simd, precision != .bfloat16 || !kernels.hasNativeBFloat16Dot else { continue }
                if let first = firstSIMD[precision] {
                    XCTAssertEqual(vectors.map(\.bitPattern), first.vectors.map(\.bitPattern),
                                   "\(precision) embeddings differ between EMBEDQ_ISA=\(first.level) and \(level)")
                } else {
                    firstSIMD[precision] = (level, vectors)
                }
            }
        }
    }
}
