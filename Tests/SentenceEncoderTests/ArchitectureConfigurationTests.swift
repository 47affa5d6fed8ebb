import Foundation
import XCTest
@testable import SentenceEncoder

/// `config.json` of each architecture: the forms published checkpoints use, the forms
/// transformers 5 writes, and the clear errors for what is not implemented.
final class ArchitectureConfigurationTests: XCTestCase {
    private func configuration(_ object: [String: Any]) throws -> EncoderConfiguration {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-config-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try JSONSerialization.data(withJSONObject: object).write(to: url)
        return try EncoderConfiguration(contentsOf: url)
    }

    private func assertUnsupported(_ object: [String: Any], mentions text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try configuration(object), file: file, line: line) { error in
            XCTAssertTrue("\(error)".contains(text), "\(error) should mention \(text)", file: file, line: line)
            XCTAssertTrue("\(error)".contains("embedq-config-"), "\(error) should name the file", file: file, line: line)
        }
    }

    private let modernBert: [String: Any] = [
        "model_type": "modernbert", "hidden_size": 64, "num_hidden_layers": 4, "num_attention_heads": 4,
        "intermediate_size": 96, "vocab_size": 100, "max_position_embeddings": 512,
    ]

    /// ModernBERT as gte-modernbert publishes it (global_attn_every_n_layers, *_rope_theta,
    /// local_attention) and as transformers 5 writes it (layer_types, rope_parameters).
    func testModernBertPublishedAndTransformers5FormsAgree() throws {
        var published = modernBert
        published.merge(["global_attn_every_n_layers": 3, "global_rope_theta": 160_000.0, "local_rope_theta": 10_000.0,
                         "local_attention": 128]) { $1 }
        var written = modernBert
        written.merge([
            "layer_types": ["full_attention", "sliding_attention", "sliding_attention", "full_attention"],
            "rope_parameters": ["full_attention": ["rope_type": "default", "rope_theta": 160_000.0],
                                "sliding_attention": ["rope_type": "default", "rope_theta": 10_000.0]],
            "local_attention": 128,
        ]) { $1 }
        let a = try configuration(published), b = try configuration(written)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.slidingWindow?.halfWidth, 64)
        XCTAssertEqual(a.maxSequenceLength, 512)
        // Defaults: ModernBertConfig's (global every 3rd layer, θ 160,000 / 10,000, window 128).
        let defaults = try configuration(modernBert)
        XCTAssertEqual(defaults.rotary?.base, 160_000)
        XCTAssertEqual(defaults.rotary?.localBase, 10_000)
        // A null local_rope_theta means the global base (transformers 4.48).
        var nullLocal = published
        nullLocal["local_rope_theta"] = NSNull()
        XCTAssertEqual(try configuration(nullLocal).rotary?.localBase, 160_000)
    }

    func testUnsupportedSettingsAreNamed() {
        assertUnsupported(["model_type": "gpt2"], mentions: "model_type \"gpt2\"")
        var yarn = modernBert
        yarn["rope_parameters"] = ["full_attention": ["rope_type": "yarn", "rope_theta": 1.0]]
        assertUnsupported(yarn, mentions: "rope_type \"yarn\"")
        var badTypes = modernBert
        badTypes["layer_types"] = ["full_attention"]
        assertUnsupported(badTypes, mentions: "layer_types")
        let nomic: [String: Any] = ["model_type": "nomic_bert", "n_embd": 32, "n_layer": 2, "n_head": 4, "vocab_size": 100,
                                    "rotary_emb_fraction": 1.0, "activation_function": "swiglu"]
        var prenorm = nomic
        prenorm["prenorm"] = true
        assertUnsupported(prenorm, mentions: "prenorm")
        var glu = nomic
        glu["activation_function"] = "glu"
        assertUnsupported(glu, mentions: "activation_function")
        var xpos = nomic
        xpos["rotary_emb_scale_base"] = 512
        assertUnsupported(xpos, mentions: "rotary_emb_scale_base")
        assertUnsupported(["model_type": "bert", "hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 4,
                           "intermediate_size": 8, "vocab_size": 10, "position_embedding_type": "relative_key"],
                          mentions: "position_embedding_type")
        assertUnsupported(["model_type": "mpnet", "hidden_size": 30, "num_hidden_layers": 1, "num_attention_heads": 4,
                           "intermediate_size": 8, "vocab_size": 10], mentions: "num_attention_heads")
    }

    func testNomicDefaultsAndRounding() throws {
        let nomic = try configuration(["model_type": "nomic_bert", "n_embd": 768, "n_layer": 12, "n_head": 12,
                                       "n_inner": 3072, "vocab_size": 30528, "n_positions": 8192, "rotary_emb_fraction": 1.0,
                                       "rotary_emb_base": 1000, "activation_function": "swiglu", "qkv_proj_bias": false,
                                       "mlp_fc1_bias": false, "mlp_fc2_bias": false, "rotary_scaling_factor": NSNull()])
        XCTAssertEqual(nomic.intermediateSize, 3072)
        XCTAssertEqual(nomic.maxSequenceLength, 8192)
        XCTAssertEqual(nomic.rotary?.dimensions, 64)
        XCTAssertEqual(nomic.layerNormEpsilon, 1e-5, "GPT2Config's default")
        let scaled = try configuration(["model_type": "nomic_bert", "n_embd": 64, "n_layer": 1, "n_head": 4, "vocab_size": 10,
                                        "n_positions": 8192, "rotary_emb_fraction": 0.5, "activation_function": "gelu",
                                        "rotary_scaling_factor": 2, "max_trained_positions": 2048])
        XCTAssertEqual(scaled.maxSequenceLength, 2048, "with rotary scaling, sequences stop at max_trained_positions")
        XCTAssertEqual(scaled.rotary?.dimensions, 8)
        XCTAssertEqual(scaled.feedForward, .plain)
        XCTAssertEqual(scaled.intermediateSize, 256)
    }

    func testRobertaPositionsLeaveRoomForPadding() throws {
        let roberta = try configuration(["model_type": "xlm-roberta", "hidden_size": 32, "num_hidden_layers": 1,
                                         "num_attention_heads": 4, "intermediate_size": 8, "vocab_size": 10,
                                         "max_position_embeddings": 514, "pad_token_id": 1])
        XCTAssertEqual(roberta.maxSequenceLength, 512)
        XCTAssertEqual(roberta.typeVocabularySize, 1)
        XCTAssertEqual(roberta.layerNormEpsilon, 1e-5)
        XCTAssertEqual(try configuration(["model_type": "camembert", "hidden_size": 32, "num_hidden_layers": 1,
                                          "num_attention_heads": 4, "intermediate_size": 8, "vocab_size": 10]).architecture, .xlmRoberta)
    }
}
