/// The four linear layers of one transformer layer, each in its own precision.
struct TransformerLinears: Sendable {
    /// Query, key and value stacked: `[3H × H]`.
    var queryKeyValue: LinearLayer
    /// Attention output projection `[H × H]`.
    var attentionOutput: LinearLayer
    /// Feed-forward up projection `[I' × H]` (`I' = 2I` when gated).
    var intermediate: LinearLayer
    /// Feed-forward down projection `[H × I]`.
    var output: LinearLayer

    /// The names of the four layers within transformer layer `index`, in the order above:
    /// `layer.N.attention.qkv`, `layer.N.attention.output`, `layer.N.intermediate`, `layer.N.output`.
    static func names(layer index: Int) -> [String] {
        ["attention.qkv", "attention.output", "intermediate", "output"].map { "layer.\(index).\($0)" }
    }

    /// Converts the float32 weights of `layer` (transformer layer `index`): every linear layer
    /// to `precision` except those named in `float32Layers`, which stay float32.
    init(_ layer: EncoderWeights.Layer, index: Int, configuration: EncoderConfiguration,
         precision: WeightPrecision, float32Layers: Set<String>, path: MatrixPath = .current) {
        let hidden = configuration.hiddenSize, width = configuration.intermediateSize
        let names = Self.names(layer: index)
        func make(_ name: String, _ weight: [Float], _ bias: [Float], _ n: Int, _ k: Int) -> LinearLayer {
            LinearLayer(weight: weight, bias: bias, outputWidth: n, inputWidth: k,
                        precision: float32Layers.contains(name) ? .float32 : precision, path: path)
        }
        queryKeyValue = make(names[0], layer.queryKeyValueWeight, layer.queryKeyValueBias, 3 * hidden, hidden)
        attentionOutput = make(names[1], layer.attentionOutputWeight, layer.attentionOutputBias, hidden, hidden)
        intermediate = make(names[2], layer.intermediateWeight, layer.intermediateBias,
                            configuration.intermediateProjectionWidth, hidden)
        output = make(names[3], layer.outputWeight, layer.outputBias, hidden, width)
    }

    /// The four layers in the order of ``names(layer:)``.
    var all: [LinearLayer] { [queryKeyValue, attentionOutput, intermediate, output] }
}
