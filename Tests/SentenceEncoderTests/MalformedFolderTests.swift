import Foundation
import XCTest
@testable import SentenceEncoder

/// Broken model folders give errors that name the file and tensor.
final class MalformedFolderTests: XCTestCase {
    func makeFolder() throws -> URL {
        let folder = try temporaryFolder(for: self)
        try TinyModel().write(to: folder)
        return folder
    }

    func assertError(_ folder: URL, contains fragments: [String], file: StaticString = #filePath, line: UInt = #line,
                     _ match: (SentenceEncoderError) -> Bool) {
        XCTAssertThrowsError(try SentenceEncoder(folder: folder), file: file, line: line) { error in
            guard let error = error as? SentenceEncoderError else {
                return XCTFail("unexpected error type \(error)", file: file, line: line)
            }
            XCTAssertTrue(match(error), "unexpected error \(error)", file: file, line: line)
            for fragment in fragments {
                XCTAssertTrue(error.description.contains(fragment), "\"\(error)\" lacks \"\(fragment)\"", file: file, line: line)
            }
        }
    }

    func testMissingWeightsFile() throws {
        let folder = try makeFolder()
        try FileManager.default.removeItem(at: folder.appendingPathComponent("model.safetensors"))
        assertError(folder, contains: ["model.safetensors"]) { if case .missingFile = $0 { true } else { false } }
    }

    func testMissingFolder() throws {
        let folder = try temporaryFolder(for: self).appendingPathComponent("nope")
        assertError(folder, contains: ["nope"]) { if case .missingFile = $0 { true } else { false } }
    }

    func testHeaderLongerThanFile() throws {
        let folder = try makeFolder()
        var data = Data()
        SafeTensorsWriter.appendLittleEndian(UInt64(1_000_000), to: &data)
        data.append(Data("{\"a\":1}".utf8))
        try data.write(to: folder.appendingPathComponent("model.safetensors"))
        assertError(folder, contains: ["model.safetensors", "header length 1000000"]) {
            if case .invalidSafeTensors = $0 { true } else { false }
        }
    }

    func testTruncatedTensorData() throws {
        let folder = try makeFolder()
        let url = folder.appendingPathComponent("model.safetensors")
        let data = try Data(contentsOf: url)
        try data.prefix(data.count - 10).write(to: url)
        assertError(folder, contains: ["model.safetensors", "data_offsets"]) {
            if case .invalidSafeTensors = $0 { true } else { false }
        }
    }

    func testBadJSON() throws {
        let folder = try makeFolder()
        try Data("{\"hidden_size\": 8,".utf8).write(to: folder.appendingPathComponent("config.json"))
        assertError(folder, contains: ["config.json"]) { if case .invalidJSON = $0 { true } else { false } }
    }

    func testMissingConfigKey() throws {
        let folder = try makeFolder()
        let url = folder.appendingPathComponent("config.json")
        var config = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        config.removeValue(forKey: "num_attention_heads")
        try JSONSerialization.data(withJSONObject: config).write(to: url)
        assertError(folder, contains: ["config.json", "num_attention_heads"]) {
            if case .invalidConfiguration = $0 { true } else { false }
        }
    }

    func testShapeDisagreesWithConfig() throws {
        let folder = try makeFolder()
        var model = TinyModel()
        model.tensors["encoder.layer.1.intermediate.dense.weight"] = ([TinyModel.intermediate + 1, TinyModel.hidden],
                                                                     [Float](repeating: 0, count: (TinyModel.intermediate + 1) * TinyModel.hidden))
        try SafeTensorsWriter.data(model.tensors.mapValues { ($0.shape, $0.values) })
            .write(to: folder.appendingPathComponent("model.safetensors"))
        assertError(folder, contains: ["model.safetensors", "encoder.layer.1.intermediate.dense.weight", "[17, 8]", "[16, 8]"]) {
            if case .tensorShapeMismatch = $0 { true } else { false }
        }
    }

    func testUnsupportedDataType() throws {
        let folder = try makeFolder()
        try SafeTensorsWriter.data(TinyModel().tensors.mapValues { ($0.shape, $0.values) }, dataType: "I32")
            .write(to: folder.appendingPathComponent("model.safetensors"))
        assertError(folder, contains: ["model.safetensors", "I32"]) {
            if case .unsupportedDataType = $0 { true } else { false }
        }
    }

    func testMissingTensor() throws {
        let folder = try makeFolder()
        var tensors = TinyModel().tensors
        tensors.removeValue(forKey: "encoder.layer.0.attention.self.key.bias")
        try SafeTensorsWriter.data(tensors.mapValues { ($0.shape, $0.values) }).write(to: folder.appendingPathComponent("model.safetensors"))
        assertError(folder, contains: ["encoder.layer.0.attention.self.key.bias"]) {
            if case .missingTensor = $0 { true } else { false }
        }
    }

    func testMissingTokenizer() throws {
        let folder = try makeFolder()
        try FileManager.default.removeItem(at: folder.appendingPathComponent("vocab.txt"))
        assertError(folder, contains: ["vocab.txt"]) { if case .missingFile = $0 { true } else { false } }
    }

    func testMissingPoolingConfig() throws {
        let folder = try makeFolder()
        try FileManager.default.removeItem(at: folder.appendingPathComponent("1_Pooling/config.json"))
        assertError(folder, contains: ["1_Pooling/config.json"]) { if case .missingFile = $0 { true } else { false } }
    }
}
