import Foundation
import XCTest
@testable import SentenceEncoder

/// Model files are untrusted input: `model.safetensors` and `config.json` cut at every offset,
/// with bytes flipped, with forged sizes, or mutated at random (a fixed number of seeded
/// iterations) give a ``SentenceEncoderError`` naming the file — never a trap, never an
/// allocation sized by a forged field.
final class HostileModelFileTests: XCTestCase {
    static let configuration = EncoderConfiguration(
        hiddenSize: TinyModel.hidden, layerCount: TinyModel.layers, headCount: TinyModel.heads,
        intermediateSize: TinyModel.intermediate, vocabularySize: TinyModel.vocabulary.count,
        maxPositionEmbeddings: TinyModel.positions)

    /// The tiny model's weights file, as `TinyModel.write` stores it.
    static let weights = SafeTensorsWriter.data(TinyModel().tensors.mapValues { ($0.shape, $0.values) })

    /// What loading `data` as the tiny model's weights does: `nil` when the file loads (the model
    /// then runs on one sequence), else the typed error.
    private func load(_ data: Data, _ context: @autoclosure () -> String, file: StaticString = #filePath, line: UInt = #line) -> SentenceEncoderError? {
        do {
            let tensors = try SafeTensors(data: data, path: "model.safetensors")
            for (name, info) in tensors.tensors where ["F32", "F16", "BF16"].contains(info.dataType) {
                XCTAssertEqual(try tensors.floats(name).count, info.elementCount, context(), file: file, line: line)
            }
            let model = try TransformerEncoder(configuration: Self.configuration, weights: tensors)
            XCTAssertEqual(model.tokenVectors([[2, 5, 6, 3]]).count, 4 * TinyModel.hidden, context(), file: file, line: line)
            return nil
        } catch let error as SentenceEncoderError {
            XCTAssertTrue(error.description.contains("model.safetensors"), "\(context()): \(error)", file: file, line: line)
            return error
        } catch {
            XCTFail("\(context()): untyped error \(error)", file: file, line: line)
            return nil
        }
    }

    /// A safetensors file whose header is `header` (JSON text) followed by `dataBytes` bytes.
    private func file(header: String, dataBytes: Int = 4, headerLength: UInt64? = nil) -> Data {
        var data = Data()
        SafeTensorsWriter.appendLittleEndian(headerLength ?? UInt64(header.utf8.count), to: &data)
        return data + Data(header.utf8) + Data(repeating: 0, count: dataBytes)
    }

    /// The forged header of the report: a shape whose element count overflows `Int` used to trap
    /// in `TensorInfo.elementCount` (SIGILL in `embedq embed`).
    func testShapeWhoseElementCountOverflowsIsATypedError() throws {
        let forged = file(header: #"{"x": {"dtype": "F32", "shape": [4294967295, 4294967295, 3], "data_offsets": [0, 4]}}"#)
        let error = try XCTUnwrap(load(forged, "overflowing shape"))
        guard case .invalidSafeTensors(_, let reason) = error else { return XCTFail("\(error)") }
        XCTAssertTrue(reason.contains("[4294967295, 4294967295, 3]"), reason)
        // The same shape in the real file layout of a model folder, through the public entry point.
        let folder = try temporaryFolder(for: self)
        try TinyModel().write(to: folder)
        try forged.write(to: folder.appendingPathComponent("model.safetensors"))
        XCTAssertThrowsError(try SentenceEncoder(folder: folder)) { error in
            XCTAssertTrue("\(error)".contains("model.safetensors") && "\(error)".contains("4294967295"), "\(error)")
        }
    }

    /// Forged sizes and malformed entries, each with the words the message must contain.
    func testForgedSizesAndEntries() {
        let cases: [(String, Data, String)] = [
            ("header length UInt64.max", file(header: "{}", headerLength: .max), "header length"),
            ("header length past the end", file(header: "{}", dataBytes: 0, headerLength: 3), "header length"),
            ("shape product overflows", file(header: #"{"x": {"dtype": "F32", "shape": [1125899906842624, 1125899906842624], "data_offsets": [0, 4]}}"#), "more elements"),
            ("element bytes overflow", file(header: #"{"x": {"dtype": "F64", "shape": [2147483648, 2147483648], "data_offsets": [0, 4]}}"#), "do not hold"),
            ("extent past 2^53", file(header: #"{"x": {"dtype": "F32", "shape": [2305843009213693952, 4], "data_offsets": [0, 4]}}"#), "invalid shape"),
            ("negative extent", file(header: #"{"x": {"dtype": "F32", "shape": [-1, -4], "data_offsets": [0, 4]}}"#), "shape"),
            ("fractional extent", file(header: #"{"x": {"dtype": "F32", "shape": [0.5, 2], "data_offsets": [0, 4]}}"#), "shape"),
            ("huge extent", file(header: #"{"x": {"dtype": "F32", "shape": [1e300], "data_offsets": [0, 4]}}"#), "shape"),
            ("extent 2^64", file(header: #"{"x": {"dtype": "F32", "shape": [18446744073709551616], "data_offsets": [0, 4]}}"#), "shape"),
            ("string extent", file(header: #"{"x": {"dtype": "F32", "shape": ["1"], "data_offsets": [0, 4]}}"#), "shape"),
            ("end past the data", file(header: #"{"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}"#), "data_offsets"),
            ("end UInt64.max", file(header: #"{"x": {"dtype": "U8", "shape": [4], "data_offsets": [0, 18446744073709551615]}}"#), "data_offsets"),
            ("negative begin", file(header: #"{"x": {"dtype": "U8", "shape": [4], "data_offsets": [-4, 0]}}"#), "data_offsets"),
            ("begin after end", file(header: #"{"x": {"dtype": "U8", "shape": [0], "data_offsets": [4, 0]}}"#), "data_offsets"),
            ("three offsets", file(header: #"{"x": {"dtype": "U8", "shape": [4], "data_offsets": [0, 2, 4]}}"#), "data_offsets"),
            ("fractional offset", file(header: #"{"x": {"dtype": "U8", "shape": [4], "data_offsets": [0, 3.5]}}"#), "data_offsets"),
            ("bytes disagree with shape", file(header: #"{"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}"#), "do not hold"),
            ("no dtype", file(header: #"{"x": {"shape": [1], "data_offsets": [0, 4]}}"#), "lacks"),
            ("entry not an object", file(header: #"{"x": [1, 2]}"#), "lacks"),
            ("header not an object", file(header: "[1]"), "not a JSON object"),
            ("header not JSON", file(header: "{\"x\": "), "not valid JSON"),
            ("empty file", Data(), "fewer than"),
        ]
        for (name, data, fragment) in cases {
            let error = load(data, name)
            guard case .invalidSafeTensors(_, let reason)? = error else {
                XCTFail("\(name): \(String(describing: error))")
                continue
            }
            XCTAssertTrue(reason.contains(fragment), "\(name): \(reason)")
        }
    }

    /// Every proper prefix of a valid weights file is refused (the data section is fully used,
    /// so any cut leaves a tensor past the end or a header past the file): the tiny model's file
    /// cut everywhere in its header and every 13th byte of its data (each cut there fails the
    /// same check), and a three-tensor file cut at every offset.
    func testTruncationAtEveryOffset() {
        let valid = Self.weights
        XCTAssertNil(load(valid, "the valid file"))
        let headerEnd = 8 + valid.prefix(8).withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
        for length in Array(0..<headerEnd) + Array(stride(from: headerEnd, to: valid.count, by: 13)) {
            guard case .invalidSafeTensors? = load(valid.prefix(length), "cut at \(length)") else {
                XCTFail("cut at \(length) was not refused")
                continue
            }
        }
        let small = SafeTensorsWriter.data(["a": ([2, 3], [1, 2, 3, 4, 5, 6]), "b": ([1], [7]), "c": ([0], [])])
        XCTAssertNoThrow(try SafeTensors(data: small, path: "model.safetensors"))
        for length in 0..<small.count {
            XCTAssertThrowsError(try SafeTensors(data: small.prefix(length), path: "model.safetensors"), "cut at \(length)") {
                guard case .invalidSafeTensors? = $0 as? SentenceEncoderError else { return XCTFail("cut at \(length): \($0)") }
            }
        }
    }

    /// Each header byte flipped (a seeded non-zero mask) gives a typed error or a file whose
    /// every tensor reads back with its shape's element count; flips in the data section only
    /// change values.
    func testByteFlipAtEveryHeaderOffset() {
        let valid = Self.weights
        let headerEnd = 8 + valid.prefix(8).withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
        var generator = SeededGenerator(seed: 0x5AFE)
        var (refused, loaded) = (0, 0)
        for offset in 0..<headerEnd {
            var bytes = valid
            bytes[offset] ^= UInt8.random(in: 1...255, using: &generator)
            if load(bytes, "flip at \(offset)") == nil { loaded += 1 } else { refused += 1 }
        }
        XCTAssertEqual(refused + loaded, headerEnd)
        XCTAssertGreaterThan(refused, headerEnd / 2, "most header flips break the JSON, a size or a name")
        for offset in stride(from: headerEnd, to: valid.count, by: 97) {
            var bytes = valid
            bytes[offset] ^= 0xFF
            XCTAssertNil(load(bytes, "data flip at \(offset)"))
        }
    }

    /// A fixed number of seeded random mutations (bit flips, forged header length, interesting
    /// numbers written over digits of the header, cuts, appended garbage): typed errors only.
    func testSeededMutationsGiveTypedErrors() {
        let valid = [UInt8](Self.weights)
        let headerEnd = 8 + (Int(valid[0]) | Int(valid[1]) << 8)
        let interesting = ["0", "-1", "4294967295", "18446744073709551615", "9223372036854775807", "1e300", "0.5", "\"\"", "[]"]
        var generator = SeededGenerator(seed: 20_260_218)
        var (refused, loaded) = (0, 0)
        for iteration in 0..<600 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                switch Int.random(in: 0..<5, using: &generator) {
                case 0 where !bytes.isEmpty:
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] ^= 1 << UInt8.random(in: 0..<8, using: &generator)
                case 1 where bytes.count >= 8:
                    let value = [UInt64(0), 1, UInt64(bytes.count), UInt64(bytes.count - 8), 1 << 32, 1 << 63, .max]
                        .randomElement(using: &generator)!
                    withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(0..<8, with: $0) }
                case 2 where bytes.count > headerEnd:
                    // Replace a run of digits in the header JSON by an interesting number.
                    let digits = (8..<headerEnd).filter { (0x30...0x39).contains(bytes[$0]) }
                    guard let start = digits.randomElement(using: &generator) else { break }
                    var end = start
                    while end < headerEnd, (0x30...0x39).contains(bytes[end]) { end += 1 }
                    let replacement = Array(interesting.randomElement(using: &generator)!.utf8)
                    bytes.replaceSubrange(start..<end, with: replacement)
                    // Half the time the header length follows the edit (else it is now wrong).
                    if Bool.random(using: &generator) {
                        let length = UInt64(headerEnd - 8 + replacement.count - (end - start))
                        withUnsafeBytes(of: length.littleEndian) { bytes.replaceSubrange(0..<8, with: $0) }
                    }
                case 3:
                    bytes.removeLast(Int.random(in: 0...bytes.count, using: &generator))
                default:
                    bytes += (0..<Int.random(in: 1...32, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                }
            }
            if load(Data(bytes), "iteration \(iteration)") == nil { loaded += 1 } else { refused += 1 }
        }
        XCTAssertGreaterThan(refused, 100)
        XCTAssertGreaterThan(loaded, 10)
    }

    // MARK: - config.json

    private func writeConfiguration(_ changes: [String: Any], to folder: URL) throws {
        let url = folder.appendingPathComponent("config.json")
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        for (key, value) in changes { object[key] = value }
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: url)
    }

    /// Absurd sizes are refused by name before anything is sized by them.
    func testAbsurdConfigurationValues() throws {
        let folder = try temporaryFolder(for: self)
        try TinyModel().write(to: folder)
        let cases: [(String, [String: Any], String)] = [
            ("hidden size 2^40", ["hidden_size": 1 << 40], "hidden_size"),
            ("negative layers", ["num_hidden_layers": -2], "num_hidden_layers"),
            ("zero heads", ["num_attention_heads": 0], "num_attention_heads"),
            ("heads do not divide hidden", ["num_attention_heads": 3], "num_attention_heads"),
            ("hidden size 1e300", ["hidden_size": 1e300], "hidden_size"),
            ("fractional hidden size", ["hidden_size": 8.5], "hidden_size"),
            ("string hidden size", ["hidden_size": "8"], "hidden_size"),
            ("intermediate 2^62", ["intermediate_size": 1 << 62], "intermediate_size"),
            ("vocabulary -1", ["vocab_size": -1], "vocab_size"),
            ("positions 2^31", ["max_position_embeddings": 1 << 31], "max_position_embeddings"),
            ("token types 0", ["type_vocab_size": 0], "type_vocab_size"),
            ("negative epsilon", ["layer_norm_eps": -1e-12], "layer_norm_eps"),
            ("epsilon past float32", ["layer_norm_eps": 1e39], "layer_norm_eps"),
            ("epsilon a string", ["layer_norm_eps": "small"], "layer_norm_eps"),
            ("unknown activation", ["hidden_act": "swish"], "hidden_act"),
        ]
        let original = try Data(contentsOf: folder.appendingPathComponent("config.json"))
        for (name, changes, key) in cases {
            try original.write(to: folder.appendingPathComponent("config.json"))
            try writeConfiguration(changes, to: folder)
            XCTAssertThrowsError(try SentenceEncoder(folder: folder), name) { error in
                guard let error = error as? SentenceEncoderError else { return XCTFail("\(name): untyped \(error)") }
                XCTAssertTrue(error.description.contains(key) && error.description.contains("config.json"), "\(name): \(error)")
            }
        }
        try original.write(to: folder.appendingPathComponent("config.json"))
        XCTAssertNoThrow(try SentenceEncoder(folder: folder), "the unchanged configuration loads")
    }

    /// `config.json` cut at every offset and a fixed number of seeded byte mutations: a
    /// configuration or a typed error naming the file.
    func testConfigurationTruncationAndMutations() throws {
        let folder = try temporaryFolder(for: self)
        try TinyModel().write(to: folder)
        let url = folder.appendingPathComponent("config.json")
        let valid = [UInt8](try Data(contentsOf: url))
        func read(_ bytes: [UInt8], _ context: String) -> Bool {
            do {
                _ = try EncoderConfiguration(data: Data(bytes), path: url.path)
                return true
            } catch let error as SentenceEncoderError {
                XCTAssertTrue(error.description.contains("config.json"), "\(context): \(error)")
                return false
            } catch {
                XCTFail("\(context): untyped error \(error)")
                return false
            }
        }
        for length in 0..<valid.count {
            XCTAssertFalse(read(Array(valid[0..<length]), "cut at \(length)"), "cut at \(length)")
        }
        var generator = SeededGenerator(seed: 0xC0F1)
        let alphabet = Array("0123456789-.e+{}[]\":, truefalsnul".utf8)
        var (refused, accepted) = (0, 0)
        for iteration in 0..<400 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                if Bool.random(using: &generator) {
                    bytes[index] = alphabet.randomElement(using: &generator)!
                } else {
                    bytes.insert(alphabet.randomElement(using: &generator)!, at: index)
                }
            }
            if read(bytes, "mutation \(iteration)") { accepted += 1 } else { refused += 1 }
        }
        XCTAssertGreaterThan(refused, 100)
        XCTAssertGreaterThan(accepted, 0)
    }
}
