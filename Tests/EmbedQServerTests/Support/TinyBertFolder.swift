import EmbedQTestSupport
import Foundation

/// A tiny random sentence-transformers BERT folder for server tests (hidden 8, 2 layers,
/// 2 heads, 16 positions → at most 12 tokens per input, a 20-token vocabulary, mean pooling,
/// normalized): loads in milliseconds, so every route can be tested against a real encoder.
enum TinyBertFolder {
    static let vocabulary = [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", "on", "mat", "##s", "a", "dog",
        ".", ",", "run", "##ning", "big", "red", "!",
    ]
    static let hidden = 8, layers = 2, intermediate = 16, positions = 16, maxSequenceLength = 12

    /// Writes the folder (fixed seed) into a new temporary directory and returns it.
    static func write(seed: UInt64 = 11) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-server-tiny-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("1_Pooling"), withIntermediateDirectories: true)
        func json(_ object: Any, _ path: String) throws {
            try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: folder.appendingPathComponent(path))
        }
        try json([
            "architectures": ["BertModel"], "model_type": "bert", "hidden_size": hidden, "num_hidden_layers": layers,
            "num_attention_heads": 2, "intermediate_size": intermediate, "hidden_act": "gelu", "layer_norm_eps": 1e-12,
            "vocab_size": vocabulary.count, "max_position_embeddings": positions, "type_vocab_size": 2,
            "position_embedding_type": "absolute",
        ], "config.json")
        try (vocabulary.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("vocab.txt"), atomically: true, encoding: .utf8)
        try json(["do_lower_case": true, "unk_token": "[UNK]", "cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]"],
                 "tokenizer_config.json")
        try json([
            ["idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"],
            ["idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"],
            ["idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"],
        ], "modules.json")
        try json(["max_seq_length": maxSequenceLength, "do_lower_case": false], "sentence_bert_config.json")
        try json(["word_embedding_dimension": hidden, "pooling_mode_mean_tokens": true, "pooling_mode_cls_token": false,
                  "pooling_mode_max_tokens": false, "pooling_mode_mean_sqrt_len_tokens": false], "1_Pooling/config.json")
        var generator = SeededGenerator(seed: seed)
        var tensors: [(String, [Int], [Float])] = []
        func add(_ name: String, _ shape: [Int], scale: Float = 0.5, offset: Float = 0) {
            tensors.append((name, shape, (0..<shape.reduce(1, *)).map { _ in offset + Float.random(in: -scale...scale, using: &generator) }))
        }
        let h = hidden
        add("embeddings.word_embeddings.weight", [vocabulary.count, h])
        add("embeddings.position_embeddings.weight", [positions, h])
        add("embeddings.token_type_embeddings.weight", [2, h])
        add("embeddings.LayerNorm.weight", [h], scale: 0.2, offset: 1)
        add("embeddings.LayerNorm.bias", [h], scale: 0.1)
        for layer in 0..<layers {
            let p = "encoder.layer.\(layer)."
            for part in ["query", "key", "value"] {
                add(p + "attention.self.\(part).weight", [h, h])
                add(p + "attention.self.\(part).bias", [h], scale: 0.1)
            }
            add(p + "attention.output.dense.weight", [h, h])
            add(p + "attention.output.dense.bias", [h], scale: 0.1)
            add(p + "attention.output.LayerNorm.weight", [h], scale: 0.2, offset: 1)
            add(p + "attention.output.LayerNorm.bias", [h], scale: 0.1)
            add(p + "intermediate.dense.weight", [intermediate, h])
            add(p + "intermediate.dense.bias", [intermediate], scale: 0.1)
            add(p + "output.dense.weight", [h, intermediate])
            add(p + "output.dense.bias", [h], scale: 0.1)
            add(p + "output.LayerNorm.weight", [h], scale: 0.2, offset: 1)
            add(p + "output.LayerNorm.bias", [h], scale: 0.1)
        }
        try safetensors(tensors).write(to: folder.appendingPathComponent("model.safetensors"))
        return folder
    }

    /// A float32 safetensors file: 8-byte little-endian header length, JSON header, data.
    static func safetensors(_ tensors: [(String, [Int], [Float])]) -> Data {
        var header: [String: Any] = ["__metadata__": ["format": "pt"]]
        var body = Data()
        for (name, shape, values) in tensors {
            let start = body.count
            for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { body.append(contentsOf: $0) } }
            header[name] = ["dtype": "F32", "shape": shape, "data_offsets": [start, body.count]]
        }
        var headerData = try! JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while headerData.count % 8 != 0 { headerData.append(0x20) }
        var file = Data()
        withUnsafeBytes(of: UInt64(headerData.count).littleEndian) { file.append(contentsOf: $0) }
        return file + headerData + body
    }
}
