import Foundation

/// A sentence-transformers `Dense` module: `y = act(W x + b)` on the pooled vector.
/// Read from `<path>/config.json` (`in_features`, `out_features`, `bias`,
/// `activation_function`) and `<path>/model.safetensors` (`linear.weight` `[out, in]`, `linear.bias`).
struct DenseLayer: Sendable {
    /// Input width.
    var inputWidth: Int
    /// Output width.
    var outputWidth: Int
    /// `[outputWidth, inputWidth]`, row-major.
    var weight: [Float]
    /// `[outputWidth]` (zeros when the layer has no bias).
    var bias: [Float]
    /// Whether `tanh` follows the affine map (otherwise identity).
    var appliesTanh: Bool

    init(folder: URL) throws {
        let configURL = folder.appendingPathComponent("config.json")
        let reader = JSONObjectReader(object: try JSONFile.object(at: configURL), path: configURL.path)
        inputWidth = try reader.int("in_features")
        outputWidth = try reader.int("out_features")
        let activation = try reader.optionalString("activation_function") ?? "torch.nn.modules.linear.Identity"
        switch activation {
        case "torch.nn.modules.activation.Tanh": appliesTanh = true
        case "torch.nn.modules.linear.Identity": appliesTanh = false
        default:
            throw SentenceEncoderError.invalidConfiguration(path: configURL.path, key: "activation_function", reason: "unsupported \"\(activation)\"")
        }
        let file = try SafeTensors(contentsOf: folder.appendingPathComponent("model.safetensors"))
        weight = try file.floats("linear.weight", expectedShape: [outputWidth, inputWidth])
        if try reader.optionalBool("bias") ?? true {
            bias = try file.floats("linear.bias", expectedShape: [outputWidth])
        } else {
            bias = [Float](repeating: 0, count: outputWidth)
        }
    }

    /// `act(W x + b)` for one vector of ``inputWidth`` floats.
    func apply(_ input: [Float]) -> [Float] {
        (0..<outputWidth).map { row in
            var sum: Float = bias[row]
            for column in 0..<inputWidth { sum += weight[row * inputWidth + column] * input[column] }
            return appliesTanh ? tanh(sum) : sum
        }
    }
}
