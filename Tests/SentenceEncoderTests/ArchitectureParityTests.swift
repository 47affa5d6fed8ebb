import EmbedQTestSupport
import Foundation
import XCTest
@testable import SentenceEncoder

/// Every architecture against PyTorch sentence-transformers on its tiny random model (token ids
/// from the Hugging Face fast tokenizer fed to the encoder): vectors at cosine ≥ 0.99999 and
/// max |difference| ≤ 1e-5 on multilingual, CJK, emoji, accented, whitespace-heavy, empty and
/// over-long texts, with and without a prompt, truncated and re-normalized.
final class ArchitectureParityTests: XCTestCase {
    func testEveryArchitectureMatchesSentenceTransformers() throws {
        for name in ArchitectureFixture.names {
            let fixture = try ArchitectureFixture(name)
            let expected = fixture.expected
            let encoder = try fixture.encoder()
            let pipeline = try SentenceTransformerPipeline(folder: fixture.folder)
            let worst = ArchitectureFixture.assertClose(
                try fixture.vectors(expected.inputIds, encoder: encoder), expected.embeddings, "\(name) embeddings")
            let excluded = pipeline.poolingIncludesPrompt ? 0 : try XCTUnwrap(expected.queryPromptLength)
            ArchitectureFixture.assertClose(
                try fixture.vectors(expected.queryInputIds, encoder: encoder, excludedTokens: excluded),
                expected.queryEmbeddings, "\(name) query embeddings")
            ArchitectureFixture.assertClose(
                try fixture.vectors(expected.inputIds, encoder: encoder, dimension: expected.truncateDim),
                expected.truncatedEmbeddings, "\(name) truncated embeddings")
            ArchitectureFixture.assertClose(
                try fixture.vectors(expected.inputIds, encoder: encoder, dimension: expected.truncateDim, normalize: true),
                expected.truncatedNormalizedEmbeddings, "\(name) truncated, normalized embeddings")
            print(String(format: "%@: min cosine %.9f, max |diff| %.2e over %d texts", name, worst.cosine,
                         Double(worst.difference), expected.texts.count))
        }
    }

    /// The over-long text reaches the architecture's limit; the empty text is `[CLS] [SEP]` or
    /// the like: the cases the issue asks for are in the fixtures.
    func testFixturesCoverTheHardCases() throws {
        for name in ArchitectureFixture.names {
            let fixture = try ArchitectureFixture(name)
            let lengths = fixture.expected.inputIds.map(\.count)
            let pipeline = try SentenceTransformerPipeline(folder: fixture.folder)
            let limit = min(pipeline.maxSequenceLength ?? .max, try fixture.configuration().maxSequenceLength)
            XCTAssertEqual(lengths.max(), limit, "\(name): the over-long text is truncated to the limit")
            XCTAssertLessThanOrEqual(lengths.min() ?? 0, 2, "\(name): the empty text")
            XCTAssertTrue(fixture.expected.texts.contains { $0.unicodeScalars.contains { $0.properties.isEmojiPresentation } })
        }
    }

    /// Packing sequences of different lengths into one batch gives each the vector it has alone.
    func testBatchingDoesNotChangeVectors() throws {
        for name in ArchitectureFixture.names {
            let fixture = try ArchitectureFixture(name)
            let encoder = try fixture.encoder()
            let ids = fixture.expected.inputIds
            let together = try fixture.vectors(ids, encoder: encoder)
            let alone = try ids.map { try fixture.vectors([$0], encoder: encoder)[0] }
            ArchitectureFixture.assertClose(together, alone, minimumCosine: 0.9999999, maxDifference: 1e-6, "\(name) packed vs alone")
        }
    }

    /// The BLAS path (no packed kernel) gives the same vectors.
    func testBLASPathMatchesPackedKernel() throws {
        for name in ArchitectureFixture.names {
            let fixture = try ArchitectureFixture(name)
            let ids = fixture.expected.inputIds
            ArchitectureFixture.assertClose(
                try fixture.vectors(ids, encoder: fixture.encoder(path: .blas)),
                try fixture.vectors(ids, encoder: fixture.encoder(path: .packed)),
                minimumCosine: 0.9999999, maxDifference: 2e-6, "\(name) BLAS vs packed")
        }
    }

    /// bf16 and int8 weights stay close to float32; keeping every layer in float32 (mixed
    /// precision, the layers named as for BERT) gives float32's vectors exactly.
    func testQuantizedWeightsEveryArchitecture() throws {
        for name in ArchitectureFixture.names {
            let fixture = try ArchitectureFixture(name)
            let ids = fixture.expected.inputIds
            let float32 = try fixture.encoder()
            let reference = try fixture.vectors(ids, encoder: float32)
            XCTAssertEqual(float32.linearLayerNames.count, 4 * (try fixture.configuration().layerCount))
            for (precision, cosine) in [(WeightPrecision.bfloat16, 0.9999), (.int8, 0.999)] {
                let quantized = try fixture.encoder(precision: precision)
                XCTAssertEqual(Set(quantized.linearLayerPrecisions.values), [precision], "\(name) \(precision)")
                let result = ArchitectureFixture.assertClose(
                    try fixture.vectors(ids, encoder: quantized), reference, minimumCosine: cosine, maxDifference: 1,
                    "\(name) \(precision.rawValue) weights")
                XCTAssertLessThan(result.cosine, 1, "\(name): \(precision.rawValue) weights change something")
                print(String(format: "%@ %@ weights: min cosine to float32 %.6f", name, precision.rawValue, result.cosine))
            }
            let mixed = try fixture.encoder(precision: .int8, float32Layers: Set(float32.linearLayerNames))
            XCTAssertEqual(try fixture.vectors(ids, encoder: mixed), reference, "\(name): all layers kept in float32")
        }
    }

    /// Checkpoints that prefix every tensor (`bert.`, `roberta.`, `mpnet.`, `model.`) load the same.
    func testPrefixedCheckpointNames() throws {
        let prefixes = ["bert": "bert.", "xlm-roberta": "roberta.", "mpnet": "mpnet.", "nomic_bert": "bert.", "modernbert": "model."]
        for name in ArchitectureFixture.names {
            let fixture = try ArchitectureFixture(name)
            let original = try SafeTensors(contentsOf: fixture.folder.appendingPathComponent("model.safetensors"))
            var tensors: [String: (shape: [Int], values: [Float])] = [:]
            for (tensor, info) in original.tensors { tensors[prefixes[name]! + tensor] = (info.shape, try original.floats(tensor)) }
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-prefixed-\(name)-\(UUID().uuidString).safetensors")
            defer { try? FileManager.default.removeItem(at: file) }
            try SafeTensorsWriter.data(tensors).write(to: file)
            let ids = fixture.expected.inputIds
            XCTAssertEqual(try fixture.vectors(ids, encoder: fixture.encoder(weightsFile: file)),
                           try fixture.vectors(ids, encoder: fixture.encoder()), "\(name) with prefix \(prefixes[name]!)")
        }
    }

    /// MPNet's relative position buckets are transformers' `relative_position_bucket` for every
    /// offset from −600 to 600 (float32 logarithms included).
    func testMPNetBucketsMatchTransformers() throws {
        let expected = try ArchitectureFixture("mpnet").expected
        let buckets = try XCTUnwrap(expected.buckets)
        let range = try XCTUnwrap(expected.bucketOffsets)
        XCTAssertEqual((range[0]...range[1]).map { RelativePositionBias.bucket(relativePosition: $0) }, buckets)
    }

    /// The loaded configurations say what each architecture is.
    func testConfigurationsOfTheFixtures() throws {
        let bert = try ArchitectureFixture("bert").configuration()
        XCTAssertEqual(bert.architecture, .bert)
        XCTAssertEqual(bert.absolutePositions, .fromZero)
        let roberta = try ArchitectureFixture("xlm-roberta").configuration()
        XCTAssertEqual(roberta.absolutePositions, .afterPadding(paddingID: 1))
        XCTAssertEqual(roberta.maxSequenceLength, 64)
        let mpnet = try ArchitectureFixture("mpnet").configuration()
        XCTAssertEqual(mpnet.relativeAttentionBuckets, 32)
        XCTAssertEqual(mpnet.typeVocabularySize, 0)
        let nomic = try ArchitectureFixture("nomic_bert").configuration()
        XCTAssertEqual(nomic.feedForward, .gated)
        XCTAssertEqual(nomic.intermediateSize, 256, "n_inner 80 rounded up to 256 as NomciBertGatedMLP does")
        XCTAssertEqual(nomic.vocabularySize % 64, 0, "vocab_size padded to pad_vocab_size_multiple")
        XCTAssertEqual(nomic.rotary, EncoderConfiguration.RotaryEmbedding(dimensions: 8, base: 1000))
        XCTAssertEqual(nomic.biases, EncoderConfiguration.Biases(queryKeyValue: false, attentionOutput: false,
                                                                 intermediate: false, output: false, norms: true))
        let modern = try ArchitectureFixture("modernbert").configuration()
        XCTAssertEqual(modern.normPlacement, .beforeBlock(firstAttentionNorm: false))
        XCTAssertEqual(modern.slidingWindow, EncoderConfiguration.SlidingWindow(halfWidth: 8, globalLayers: [true, false, false, true]))
        XCTAssertEqual(modern.rotary, EncoderConfiguration.RotaryEmbedding(dimensions: 8, base: 160_000, localBase: 10_000))
        XCTAssertFalse(modern.biases.norms)
    }
}
