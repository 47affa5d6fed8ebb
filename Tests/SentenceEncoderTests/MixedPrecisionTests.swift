import Foundation
import XCTest
@testable import SentenceEncoder

/// Mixed precision, static calibration and the sensitivity report, on a tiny random model.
final class MixedPrecisionTests: XCTestCase {
    let texts = ["the cat sat on the mat.", "a big red dog running!", "cats, dogs", "the the the the the"]

    private func folder() throws -> URL {
        let folder = try temporaryFolder(for: self)
        try TinyModel().write(to: folder)
        return folder
    }

    func testEachLinearLayerGetsItsPrecision() throws {
        let folder = try folder()
        let names = try SentenceEncoder(folder: folder).model.linearLayerNames
        XCTAssertEqual(names.count, 4 * TinyModel.layers)
        XCTAssertEqual(Array(names.prefix(4)), ["layer.0.attention.qkv", "layer.0.attention.output", "layer.0.intermediate", "layer.0.output"])
        let mixed = try SentenceEncoder(folder: folder, weights: .int8, float32Layers: ["layer.0.output"])
        let precisions = mixed.model.linearLayerPrecisions
        XCTAssertEqual(precisions["layer.0.output"], .float32)
        XCTAssertEqual(precisions.values.filter { $0 == .int8 }.count, names.count - 1)
        // Keeping every layer in float32 gives the float32 vectors exactly.
        let all = try SentenceEncoder(folder: folder, weights: .int8, float32Layers: Set(names)).encodeRowMajor(texts)
        XCTAssertEqual(all, try SentenceEncoder(folder: folder).encodeRowMajor(texts))
    }

    func testQuantizedVectorsStayCloseToFloat32() throws {
        let folder = try folder()
        let reference = try SentenceEncoder(folder: folder)
        let expected = try reference.encodeRowMajor(texts)
        for (precision, floor) in [(WeightPrecision.bfloat16, 0.9999), (.int8, 0.99)] {
            let encoder = try SentenceEncoder(folder: folder, weights: precision)
            let (mean, minimum) = LayerSensitivity.cosines(try encoder.encodeRowMajor(texts), expected, dimension: reference.dimension)
            XCTAssertGreaterThan(mean, floor, "\(precision)")
            XCTAssertGreaterThan(minimum, floor - 0.01, "\(precision)")
            XCTAssertNotEqual(try encoder.encodeRowMajor(texts), expected, "\(precision) changed nothing")
        }
    }

    func testStaticCalibrationFixesEveryInt8LayerScale() throws {
        let folder = try folder()
        let encoder = try SentenceEncoder(folder: folder, weights: .int8, float32Layers: ["layer.0.intermediate"], calibration: texts)
        for (index, layer) in encoder.model.linears.enumerated() {
            for (name, linear) in zip(TransformerLinears.names(layer: index), layer.all) {
                if name == "layer.0.intermediate" {
                    XCTAssertNil(linear.inputMaximum)
                } else {
                    XCTAssertGreaterThan(try XCTUnwrap(linear.inputMaximum, name), 0, name)
                }
            }
        }
        let expected = try SentenceEncoder(folder: folder).encodeRowMajor(texts)
        let (mean, _) = LayerSensitivity.cosines(try encoder.encodeRowMajor(texts), expected, dimension: encoder.dimension)
        XCTAssertGreaterThan(mean, 0.98)
        // Without calibration the scales are per token.
        XCTAssertTrue(try SentenceEncoder(folder: folder, weights: .int8).model.linears.allSatisfy { $0.all.allSatisfy { $0.inputMaximum == nil } })
    }

    func testSensitivityReportCoversEveryLayerWorstFirst() throws {
        let folder = try folder()
        let report = try LayerSensitivity.measure(folder: folder, texts: texts, precision: .int8, threadCount: 1)
        XCTAssertEqual(Set(report.map(\.layer)), Set(try SentenceEncoder(folder: folder).model.linearLayerNames))
        XCTAssertEqual(report.map(\.meanCosine), report.map(\.meanCosine).sorted())
        for layer in report {
            XCTAssertLessThanOrEqual(layer.minimumCosine, layer.meanCosine + 1e-12)
            XCTAssertGreaterThan(layer.minimumCosine, 0.9)
            XCTAssertLessThanOrEqual(layer.meanCosine, 1 + 1e-9)
        }
    }

    func testCosinesOfIdenticalAndOppositeRows() {
        let (mean, minimum) = LayerSensitivity.cosines([1, 0, 0, 1], [2, 0, 0, -3], dimension: 2)
        XCTAssertEqual(mean, 0, accuracy: 1e-12)
        XCTAssertEqual(minimum, -1, accuracy: 1e-12)
    }
}

/// Saving a quantized model and loading it again without the float32 weights.
final class QuantizedModelSavingTests: XCTestCase {
    let texts = ["the cat sat on the mat.", "a big red dog running!", "cats, dogs"]

    func testSavedModelsGiveTheSameVectors() throws {
        let folder = try temporaryFolder(for: self)
        let source = folder.appendingPathComponent("source")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        try TinyModel().write(to: source)
        for precision in WeightPrecision.allCases {
            let encoder = try SentenceEncoder(folder: source, weights: precision, float32Layers: ["layer.1.intermediate"])
            let saved = folder.appendingPathComponent(precision.rawValue)
            try encoder.saveQuantizedModel(to: saved)
            let file = try SafeTensors(contentsOf: saved.appendingPathComponent("model.safetensors"))
            let expectedType = ["fp32": "F32", "bf16": "BF16", "int8": "I8"][precision.rawValue]
            XCTAssertEqual(file.tensors["encoder.layer.0.attention.self.key.weight"]?.dataType, expectedType)
            XCTAssertEqual(file.tensors["encoder.layer.1.intermediate.dense.weight"]?.dataType, "F32")
            XCTAssertEqual(file.tensors["encoder.layer.0.output.dense.weight_scale"] != nil, precision == .int8)
            let loaded = try SentenceEncoder(folder: saved, weights: precision, float32Layers: ["layer.1.intermediate"])
            let difference = zip(try loaded.encodeRowMajor(texts), try encoder.encodeRowMajor(texts)).map { abs($0 - $1) }.max() ?? 1
            XCTAssertLessThan(difference, 1e-6, "\(precision)")
            if case .int8(let original) = encoder.model.linears[0].output.weight,
               case .int8(let reloaded) = loaded.model.linears[0].output.weight {
                XCTAssertEqual(original.codes, reloaded.codes)
            }
            XCTAssertThrowsError(try encoder.saveQuantizedModel(to: saved)) { error in
                XCTAssertEqual(error as? QuantizedModelError, .destinationExists(path: saved.path))
            }
        }
    }
}
