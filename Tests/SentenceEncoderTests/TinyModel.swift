import EmbedQTestSupport
import Foundation
import XCTest
@testable import SentenceEncoder

/// A tiny random sentence-transformers BERT folder written by the tests (hidden 8, 2 layers,
/// 2 heads, intermediate 16, a 20-token vocabulary), with a plain-Swift reference forward pass.
struct TinyModel {
    static let vocabulary = [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", "on", "mat", "##s", "a", "dog",
        ".", ",", "run", "##ning", "big", "red", "!",
    ]
    static let hidden = 8, layers = 2, heads = 2, intermediate = 16, positions = 16

    /// Tensors by name, already rounded to the stored data type.
    var tensors: [String: (shape: [Int], values: [Float])] = [:]
    var pooling: [PoolingStrategy]
    var normalizes: Bool
    /// An optional `2_Dense` module: weight `[out, in]`, bias `[out]`, tanh activation.
    var dense: (weight: [Float], bias: [Float], outputs: Int)?

    /// Random weights (fixed seed) for the tiny configuration.
    init(pooling: [PoolingStrategy] = [.mean], normalizes: Bool = true, dataType: String = "F32", seed: UInt64 = 7) {
        self.pooling = pooling
        self.normalizes = normalizes
        self.storedDataType = dataType
        var tensors: [String: (shape: [Int], values: [Float])] = [:]
        var generator = SeededGenerator(seed: seed)
        let h = Self.hidden, i = Self.intermediate
        func add(_ name: String, _ shape: [Int], scale: Float = 0.5, offset: Float = 0) {
            let values = (0..<shape.reduce(1, *)).map { _ in
                Self.round(offset + Float.random(in: -scale...scale, using: &generator), to: dataType)
            }
            tensors[name] = (shape, values)
        }
        add("embeddings.word_embeddings.weight", [Self.vocabulary.count, h])
        add("embeddings.position_embeddings.weight", [Self.positions, h])
        add("embeddings.token_type_embeddings.weight", [2, h])
        add("embeddings.LayerNorm.weight", [h], scale: 0.2, offset: 1)
        add("embeddings.LayerNorm.bias", [h], scale: 0.1)
        for layer in 0..<Self.layers {
            let p = "encoder.layer.\(layer)."
            for part in ["query", "key", "value"] {
                add(p + "attention.self.\(part).weight", [h, h])
                add(p + "attention.self.\(part).bias", [h], scale: 0.1)
            }
            add(p + "attention.output.dense.weight", [h, h])
            add(p + "attention.output.dense.bias", [h], scale: 0.1)
            add(p + "attention.output.LayerNorm.weight", [h], scale: 0.2, offset: 1)
            add(p + "attention.output.LayerNorm.bias", [h], scale: 0.1)
            add(p + "intermediate.dense.weight", [i, h])
            add(p + "intermediate.dense.bias", [i], scale: 0.1)
            add(p + "output.dense.weight", [h, i])
            add(p + "output.dense.bias", [h], scale: 0.1)
            add(p + "output.LayerNorm.weight", [h], scale: 0.2, offset: 1)
            add(p + "output.LayerNorm.bias", [h], scale: 0.1)
        }
        self.tensors = tensors
    }

    var storedDataType: String

    static func round(_ value: Float, to dataType: String) -> Float {
        switch dataType {
        case "F16": return Float(Float16(value))
        case "BF16": return Float(bitPattern: value.bitPattern & 0xFFFF_0000)
        default: return value
        }
    }

    /// Writes the folder: config.json, model.safetensors, vocab.txt, tokenizer_config.json,
    /// modules.json, sentence_bert_config.json, 1_Pooling/config.json.
    func write(to folder: URL) throws {
        let manager = FileManager.default
        try manager.createDirectory(at: folder.appendingPathComponent("1_Pooling"), withIntermediateDirectories: true)
        func json(_ object: Any, _ path: String) throws {
            try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: folder.appendingPathComponent(path))
        }
        try json([
            "architectures": ["BertModel"], "model_type": "bert", "hidden_size": Self.hidden,
            "num_hidden_layers": Self.layers, "num_attention_heads": Self.heads, "intermediate_size": Self.intermediate,
            "hidden_act": "gelu", "layer_norm_eps": 1e-12, "vocab_size": Self.vocabulary.count,
            "max_position_embeddings": Self.positions, "type_vocab_size": 2, "position_embedding_type": "absolute",
        ], "config.json")
        try (Self.vocabulary.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("vocab.txt"), atomically: true, encoding: .utf8)
        try json(["do_lower_case": true, "unk_token": "[UNK]", "cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]"],
                 "tokenizer_config.json")
        var modules: [[String: Any]] = [
            ["idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"],
            ["idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"],
        ]
        if let dense {
            let inputs = dense.weight.count / dense.outputs
            modules.append(["idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"])
            try manager.createDirectory(at: folder.appendingPathComponent("2_Dense"), withIntermediateDirectories: true)
            try json(["in_features": inputs, "out_features": dense.outputs, "bias": true,
                      "activation_function": "torch.nn.modules.activation.Tanh"], "2_Dense/config.json")
            try SafeTensorsWriter.data(["linear.weight": ([dense.outputs, inputs], dense.weight), "linear.bias": ([dense.outputs], dense.bias)])
                .write(to: folder.appendingPathComponent("2_Dense/model.safetensors"))
        }
        if normalizes {
            modules.append(["idx": 3, "name": "3", "path": "3_Normalize", "type": "sentence_transformers.models.Normalize"])
        }
        try json(modules, "modules.json")
        try json(["max_seq_length": 12, "do_lower_case": false], "sentence_bert_config.json")
        try json([
            "word_embedding_dimension": Self.hidden,
            "pooling_mode_cls_token": pooling.contains(.classifierToken),
            "pooling_mode_mean_tokens": pooling.contains(.mean),
            "pooling_mode_max_tokens": pooling.contains(.max),
            "pooling_mode_mean_sqrt_len_tokens": pooling.contains(.meanSquareRootLength),
            "pooling_mode_lasttoken": pooling.contains(.lastToken),
        ], "1_Pooling/config.json")
        try SafeTensorsWriter.data(tensors.mapValues { ($0.shape, $0.values) }, dataType: storedDataType)
            .write(to: folder.appendingPathComponent("model.safetensors"))
    }

    // MARK: - Reference forward pass (plain loops, Double)

    func referenceEmbedding(_ ids: [Int32]) -> [Float] {
        let h = Self.hidden, d = h / Self.heads
        func t(_ name: String) -> [Double] { tensors[name]!.values.map(Double.init) }
        func linear(_ x: [[Double]], _ name: String) -> [[Double]] {
            let w = t(name + ".weight"), b = t(name + ".bias"), outputs = b.count, inputs = w.count / outputs
            return x.map { row in (0..<outputs).map { o in (0..<inputs).reduce(b[o]) { $0 + w[o * inputs + $1] * row[$1] } } }
        }
        func norm(_ x: [[Double]], _ name: String) -> [[Double]] {
            let g = t(name + ".weight"), b = t(name + ".bias")
            return x.map { row in
                let mean = row.reduce(0, +) / Double(row.count)
                let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(row.count)
                return row.indices.map { (row[$0] - mean) / (variance + 1e-12).squareRoot() * g[$0] + b[$0] }
            }
        }
        let words = t("embeddings.word_embeddings.weight"), places = t("embeddings.position_embeddings.weight")
        let types = t("embeddings.token_type_embeddings.weight")
        var x = ids.enumerated().map { position, id in (0..<h).map { words[Int(id) * h + $0] + places[position * h + $0] + types[$0] } }
        x = norm(x, "embeddings.LayerNorm")
        for layer in 0..<Self.layers {
            let p = "encoder.layer.\(layer)."
            let q = linear(x, p + "attention.self.query"), k = linear(x, p + "attention.self.key"), v = linear(x, p + "attention.self.value")
            var context = x.map { _ in [Double](repeating: 0, count: h) }
            for head in 0..<Self.heads {
                let columns = (head * d)..<((head + 1) * d)
                for i in x.indices {
                    let scores = x.indices.map { j in columns.reduce(0.0) { $0 + q[i][$1] * k[j][$1] } / Double(d).squareRoot() }
                    let top = scores.max()!
                    let exps = scores.map { exp($0 - top) }
                    let sum = exps.reduce(0, +)
                    for c in columns { context[i][c] = x.indices.reduce(0.0) { $0 + exps[$1] / sum * v[$1][c] } }
                }
            }
            let attention = linear(context, p + "attention.output.dense")
            x = norm(zip(x, attention).map { zip($0, $1).map(+) }, p + "attention.output.LayerNorm")
            let inner = linear(x, p + "intermediate.dense").map { $0.map { 0.5 * $0 * (1 + erf($0 / 2.0.squareRoot())) } }
            let output = linear(inner, p + "output.dense")
            x = norm(zip(x, output).map { zip($0, $1).map(+) }, p + "output.LayerNorm")
        }
        var vector: [Double] = []
        for strategy in pooling {
            switch strategy {
            case .classifierToken: vector += x[0]
            case .lastToken: vector += x[x.count - 1]
            case .max: vector += (0..<h).map { c in x.map { $0[c] }.max()! }
            case .mean: vector += (0..<h).map { c in x.reduce(0) { $0 + $1[c] } / Double(x.count) }
            case .meanSquareRootLength: vector += (0..<h).map { c in x.reduce(0) { $0 + $1[c] } / Double(x.count).squareRoot() }
            case .weightedMean:
                let weights = x.indices.reduce(0.0) { $0 + Double($1 + 1) }
                vector += (0..<h).map { c in x.indices.reduce(0.0) { $0 + Double($1 + 1) * x[$1][c] } / weights }
            }
        }
        if let dense {
            let inputs = vector.count
            vector = (0..<dense.outputs).map { o in
                tanh((0..<inputs).reduce(Double(dense.bias[o])) { $0 + Double(dense.weight[o * inputs + $1]) * vector[$1] })
            }
        }
        if normalizes {
            let n = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            vector = vector.map { $0 / n }
        }
        return vector.map(Float.init)
    }
}

/// Writes safetensors files (and broken variants) for tests.
enum SafeTensorsWriter {
    /// A safetensors file holding `tensors` (all of `dataType`: F32, F16 or BF16, or I32 for
    /// integer-valued test data), keys sorted, header padded with spaces to 8 bytes.
    static func data(_ tensors: [String: (shape: [Int], values: [Float])], dataType: String = "F32") -> Data {
        var header: [String: Any] = ["__metadata__": ["format": "pt"]]
        var body = Data()
        for name in tensors.keys.sorted() {
            let (shape, values) = tensors[name]!
            let start = body.count
            for value in values {
                switch dataType {
                case "F16": appendLittleEndian(Float16(value).bitPattern, to: &body)
                case "BF16": appendLittleEndian(UInt16(value.bitPattern >> 16), to: &body)
                case "I32": appendLittleEndian(Int32(value), to: &body)
                default: appendLittleEndian(value.bitPattern, to: &body)
                }
            }
            header[name] = ["dtype": dataType, "shape": shape, "data_offsets": [start, body.count]]
        }
        var headerData = try! JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while headerData.count % 8 != 0 { headerData.append(0x20) }
        var file = Data()
        appendLittleEndian(UInt64(headerData.count), to: &file)
        return file + headerData + body
    }

    static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to data: inout Data) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }
}

typealias SeededGenerator = EmbedQTestSupport.SeededGenerator

/// A fresh temporary folder, removed when the test ends.
func temporaryFolder(for test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-encoder-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}
