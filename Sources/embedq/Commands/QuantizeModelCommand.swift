import ArgumentParser
import EmbedQ
import Foundation

/// `embedq quantize-model --report`: per linear layer, how much quantizing only that layer moves
/// the embeddings of a set of texts, and the accuracy of the mixed-precision model that keeps
/// the worst layers in float32.
struct QuantizeModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize-model",
        abstract: "Sensitivity report of the encoder's linear layers to bf16 / int8 weights.",
        discussion: """
            For each linear layer, the texts are encoded with only that layer quantized and compared \
            with float32 (mean and minimum cosine), worst first. With --keep-float32 K the K worst \
            layers stay float32 and the rest are quantized; the line to pass to `embed --float32-layers` \
            and that model's accuracy end the report.
            """
    )

    @Option(name: .long, help: "Model folder, or hub id.")
    var model: String = "all-MiniLM-L6-v2"

    @Argument(help: "JSON Lines file of texts (field \"text\") to measure on.")
    var texts: String

    @Flag(name: .long, help: "Print the per-layer sensitivity report.")
    var report = false

    @Option(name: .long, help: "Precision tried for each layer: bf16 or int8.")
    var weights: WeightPrecision = .int8

    @Option(name: .long, help: "Keep this many of the most sensitive layers in float32.")
    var keepFloat32: Int = 0

    @Option(name: .long, help: "Save the (mixed-precision) model to this new folder (safetensors with the int8 scales).")
    var output: String?

    @Option(name: .long, help: "Use only the first N texts.")
    var limit: Int?

    @Option(name: .long, help: "Threads (default: all active processors).")
    var threads: Int?

    func validate() throws {
        guard weights != .float32 else { throw ValidationError("--weights must be bf16 or int8") }
        guard keepFloat32 >= 0 else { throw ValidationError("--keep-float32 must be at least 0") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        guard report || keepFloat32 > 0 else { throw ValidationError("nothing to do: pass --report and/or --keep-float32 K") }
    }

    func run() throws {
        var inputs = try JSONLinesInput.texts(path: texts)
        if let limit { inputs = Array(inputs.prefix(limit)) }
        let folder = try ModelLocator().locate(model)
        let layers = try LayerSensitivity.measure(folder: folder, texts: inputs, precision: weights, threadCount: threads)
        if report {
            print("layer (only it in \(weights.rawValue))".padding(toLength: 28, withPad: " ", startingAt: 0)
                  + "  mean cosine   min cosine")
            for layer in layers {
                print(layer.layer.padding(toLength: 28, withPad: " ", startingAt: 0)
                      + String(format: " %12.6f %12.6f", layer.meanCosine, layer.minimumCosine))
            }
        }
        let kept = layers.prefix(keepFloat32).map(\.layer)
        let reference = try SentenceEncoder(folder: folder, threadCount: threads).encodeRowMajor(inputs)
        let mixed = try SentenceEncoder(folder: folder, threadCount: threads, weights: weights, float32Layers: Set(kept))
        let (mean, minimum) = LayerSensitivity.cosines(try mixed.encodeRowMajor(inputs), reference, dimension: mixed.dimension)
        print(String(format: "%@ weights, %d layers kept float32: mean cosine %.6f, min %.6f over %d texts",
                     weights.rawValue, kept.count, mean, minimum, inputs.count))
        if !kept.isEmpty { print("--float32-layers " + kept.joined(separator: ",")) }
        if let output {
            try mixed.saveQuantizedModel(to: URL(fileURLWithPath: output))
            print("saved to \(output); load it with --weights \(weights.rawValue)"
                  + (kept.isEmpty ? "" : " --float32-layers " + kept.joined(separator: ",")))
        }
    }
}
