import ArgumentParser

/// The `embedq` command-line tool: encode text, calibrate, quantize, inspect and search compact
/// embeddings, and serve them over HTTP. Async at the root because `serve` is.
@main
struct EmbedQCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embedq",
        abstract: "Compact sentence embeddings: encode, calibrate, quantize, dequantize and inspect.",
        version: "0.1.0",
        subcommands: [
            CalibrateCommand.self,
            TrainHeadCommand.self,
            QuantizeCommand.self,
            DequantizeCommand.self,
            InspectCommand.self,
            SearchCommand.self,
            IndexCommand.self,
            DemoCommand.self,
            EvalCommand.self,
            EmbedCommand.self,
            QuantizeModelCommand.self,
            TokenizeCommand.self,
            ServeCommand.self,
        ]
    )
}
