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

    /// The encoder's tensors under its architecture's checkpoint names (without prefix).
    private func safeTensorsData() throws -> Data {
        let configuration = model.configuration
        let weights = model.weights
        let names = configuration.implementation.tensorNames(configuration)
        let hidden = configuration.hiddenSize
        let biases = configuration.biases
        var writer = SafeTensorsWriter()
        writer.add(names.wordEmbeddings, float32: weights.wordEmbeddings, shape: [configuration.vocabularySize, hidden])
        if let name = names.positionEmbeddings {
            writer.add(name, float32: weights.positionEmbeddings, shape: [configuration.maxPositionEmbeddings, hidden])
        }
        if let name = names.tokenTypeEmbeddings {
            writer.add(name, float32: weights.tokenTypeEmbeddings, shape: [configuration.typeVocabularySize, hidden])
        }
        if let name = names.relativeAttentionBias {
            writer.add(name, float32: weights.relativeAttentionBias,
                       shape: [configuration.relativeAttentionBuckets ?? 0, configuration.headCount])
        }
        func addNorm(_ name: String, _ norm: LayerNorm) {
            writer.add(name + ".weight", float32: norm.gamma, shape: [hidden])
            if biases.norms { writer.add(name + ".bias", float32: norm.beta, shape: [hidden]) }
        }
        /// `layer`'s rows split evenly over `modules`, weight and (when `hasBias`) bias each.
        func addLinear(_ modules: [String], _ layer: LinearLayer, hasBias: Bool) {
            let part = layer.outputWidth / modules.count
            let k = layer.inputWidth
            for (index, name) in modules.enumerated() {
                let rows = (index * part)..<((index + 1) * part)
                let shape = [part, k]
                let elements = (rows.lowerBound * k)..<(rows.upperBound * k)
                switch layer.weight {
                case .float32(let values):
                    writer.add(name + ".weight", float32: Array(values[elements]), shape: shape)
                case .bfloat16(let weight):
                    writer.add(name + ".weight", bfloat16: Array(weight.values[elements]), shape: shape)
                case .int8(let weight):
                    writer.add(name + ".weight", int8: Array(weight.codes[elements]), shape: shape)
                    writer.add(name + ".weight_scale", float32: Array(weight.scales[rows]), shape: [part])
                }
                if hasBias { writer.add(name + ".bias", float32: Array(layer.bias[rows]), shape: [part]) }
            }
        }
        addNorm(names.embeddingNorm, weights.embeddingNorm)
        for ((layerNames, layer), linears) in zip(zip(names.layers, weights.layers), model.linears) {
            addLinear(layerNames.queryKeyValue, linears.queryKeyValue, hasBias: biases.queryKeyValue)
            addLinear([layerNames.attentionOutput], linears.attentionOutput, hasBias: biases.attentionOutput)
            if let name = layerNames.attentionNorm, let norm = layer.attentionNorm { addNorm(name, norm) }
            addLinear(layerNames.intermediate, linears.intermediate, hasBias: biases.intermediate)
            addLinear([layerNames.output], linears.output, hasBias: biases.output)
            addNorm(layerNames.feedForwardNorm, layer.feedForwardNorm)
        }
        if let name = names.finalNorm, let norm = weights.finalNorm { addNorm(name, norm) }
        let precisions = Set(model.linearLayerPrecisions.values.map(\.rawValue)).sorted().joined(separator: ",")
        return try writer.data(metadata: ["format": "pt", "embedq_weights": precisions])
    }
}
