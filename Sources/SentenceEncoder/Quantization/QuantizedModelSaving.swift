import Foundation

extension SentenceEncoder {
    /// Writes this encoder as a new model folder with its linear layers in their current
    /// precision: every file of ``folder`` is copied and the transformer's `model.safetensors`
    /// is replaced by one holding int8 weights (`I8`, `[n, k]`) with their per-channel scales
    /// (`<name>_scale`, `F32`, `[n]`), bfloat16 weights (`BF16`), or float32 weights, and float32
    /// embeddings, biases and layer norms. Loading the folder with the same `weights:` gives the
    /// same vectors (the int8 codes and scales are recovered exactly; the fp32 weights are not
    /// needed). Static activation scales are not saved.
    ///
    /// - Parameter destination: a folder that does not exist yet.
    /// - Throws: ``QuantizedModelError``.
    public func saveQuantizedModel(to destination: URL) throws {
        let manager = FileManager.default
        guard !manager.fileExists(atPath: destination.path) else {
            throw QuantizedModelError.destinationExists(path: destination.path)
        }
        let relative = String(pipeline.transformerFolder.standardizedFileURL.path.dropFirst(folder.standardizedFileURL.path.count))
        let target = destination.appendingPathComponent(relative).appendingPathComponent("model.safetensors")
        do {
            let bytes = try safeTensorsData()
            try manager.copyItem(at: folder, to: destination)
            try bytes.write(to: target, options: .atomic)
        } catch {
            throw QuantizedModelError.unwritable(path: target.path, reason: "\(error)")
        }
    }

    /// The encoder's tensors under Hugging Face `BertModel` names.
    private func safeTensorsData() throws -> Data {
        let configuration = model.configuration
        let weights = model.weights
        let hidden = configuration.hiddenSize
        var writer = SafeTensorsWriter()
        writer.add("embeddings.word_embeddings.weight", float32: weights.wordEmbeddings, shape: [configuration.vocabularySize, hidden])
        writer.add("embeddings.position_embeddings.weight", float32: weights.positionEmbeddings,
                   shape: [configuration.maxPositionEmbeddings, hidden])
        writer.add("embeddings.token_type_embeddings.weight", float32: weights.tokenTypeEmbeddings,
                   shape: [configuration.typeVocabularySize, hidden])
        func addNorm(_ name: String, _ norm: LayerNorm) {
            writer.add(name + ".weight", float32: norm.gamma, shape: [hidden])
            writer.add(name + ".bias", float32: norm.beta, shape: [hidden])
        }
        /// Rows `rows` of `layer`'s weight and bias as tensor `name`.
        func addLinear(_ name: String, _ layer: LinearLayer, rows: Range<Int>) {
            let k = layer.inputWidth
            let shape = [rows.count, k]
            let elements = (rows.lowerBound * k)..<(rows.upperBound * k)
            switch layer.weight {
            case .float32(let values):
                writer.add(name + ".weight", float32: Array(values[elements]), shape: shape)
            case .bfloat16(let weight):
                writer.add(name + ".weight", bfloat16: Array(weight.values[elements]), shape: shape)
            case .int8(let weight):
                writer.add(name + ".weight", int8: Array(weight.codes[elements]), shape: shape)
                writer.add(name + ".weight_scale", float32: Array(weight.scales[rows]), shape: [rows.count])
            }
            writer.add(name + ".bias", float32: Array(layer.bias[rows]), shape: [rows.count])
        }
        addNorm("embeddings.LayerNorm", weights.embeddingNorm)
        for (index, (layer, linears)) in zip(weights.layers, model.linears).enumerated() {
            let base = "encoder.layer.\(index)."
            for (part, name) in ["query", "key", "value"].enumerated() {
                addLinear(base + "attention.self." + name, linears.queryKeyValue, rows: (part * hidden)..<((part + 1) * hidden))
            }
            addLinear(base + "attention.output.dense", linears.attentionOutput, rows: 0..<hidden)
            addNorm(base + "attention.output.LayerNorm", layer.attentionNorm)
            addLinear(base + "intermediate.dense", linears.intermediate, rows: 0..<configuration.intermediateSize)
            addLinear(base + "output.dense", linears.output, rows: 0..<hidden)
            addNorm(base + "output.LayerNorm", layer.outputNorm)
        }
        let precisions = Set(model.linearLayerPrecisions.values.map(\.rawValue)).sorted().joined(separator: ",")
        return try writer.data(metadata: ["format": "pt", "embedq_weights": precisions])
    }
}
