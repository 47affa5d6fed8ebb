import Foundation

/// Records, during float32 forward passes over calibration texts, the largest |x| that reaches
/// the input of each linear layer: the fixed activation ranges of static int8 quantization.
final class LinearInputRecorder: @unchecked Sendable {
    private let lock = NSLock()
    /// `maxima[layer][slot]`, slot 0 query/key/value, 1 attention output, 2 intermediate, 3 output.
    private(set) var maxima: [[Float]]

    /// A recorder for `layerCount` transformer layers, all maxima 0.
    init(layerCount: Int) {
        maxima = Array(repeating: [0, 0, 0, 0], count: layerCount)
    }

    /// Raises `maxima[layer][slot]` to the largest |x| of `count` values.
    func record(layer: Int, slot: Int, values: UnsafePointer<Float>, count: Int) {
        var maximum: Float = 0
        for index in 0..<count { maximum = max(maximum, abs(values[index])) }
        lock.lock()
        defer { lock.unlock() }
        maxima[layer][slot] = max(maxima[layer][slot], maximum)
    }
}

extension TransformerEncoder {
    /// Fixes the activation scale of every int8 linear layer from the float32 activations of
    /// `sequences` (static quantization): scale = max |x| at the layer's input / 127.
    ///
    /// - Parameter float32: the same encoder with float32 weights, run to observe the activations.
    mutating func calibrate(with float32: TransformerEncoder, on sequences: [[Int32]], batchSize: Int = 32) {
        let recorder = LinearInputRecorder(layerCount: linears.count)
        for start in stride(from: 0, to: sequences.count, by: batchSize) {
            _ = float32.tokenVectors(Array(sequences[start..<min(start + batchSize, sequences.count)]), recording: recorder)
        }
        for (index, maxima) in recorder.maxima.enumerated() {
            func fix(_ layer: inout LinearLayer, _ maximum: Float) {
                if layer.precision == .int8 { layer.inputMaximum = maximum }
            }
            fix(&linears[index].queryKeyValue, maxima[0])
            fix(&linears[index].attentionOutput, maxima[1])
            fix(&linears[index].intermediate, maxima[2])
            fix(&linears[index].output, maxima[3])
        }
    }
}
