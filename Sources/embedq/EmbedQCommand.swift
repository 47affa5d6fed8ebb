import ArgumentParser
import Foundation

/// The `embedq` command-line tool: encode text, calibrate, quantize, inspect and search compact
/// embeddings, and serve them over HTTP. Async at the root because `serve` is.
@main
struct EmbedQCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embedq",
        abstract: "Compact sentence embeddings: encode, calibrate, quantize, dequantize and inspect.",
        discussion: """
            Data goes to standard output; logs, warnings and errors go to standard error as \
            `embedq: …`, `embedq: warning: …` and `embedq: error: …`. Exit status: 0 on success, \
            1 when a command fails (unreadable or malformed input, a failed search or write), \
            64 for a malformed command line.
            """,
        version: "0.1.0",
        subcommands: [
            CalibrateCommand.self,
            TrainHeadCommand.self,
            QuantizeCommand.self,
            DequantizeCommand.self,
            InspectCommand.self,
            SearchCommand.self,
            IndexCommand.self,
            CollectionCommand.self,
            DemoCommand.self,
            EvalCommand.self,
            EmbedCommand.self,
            QuantizeModelCommand.self,
            TokenizeCommand.self,
            ServeCommand.self,
        ]
    )

    /// Parses the command line and runs the command; every failure is reported the one way
    /// (``StandardError/error(_:)``) with the one exit-status convention (see the discussion).
    static func main() async {
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            fail(error)
        }
        do {
            // `serve` is asynchronous: its synchronous `run()` would only print the help.
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            fail(error)
        }
    }

    /// Reports `error` and exits: help and version requests print their text and exit 0;
    /// command-line errors exit 64 (with the usage); every other error exits 1. Library errors
    /// describe themselves (file, row, column), so their description is the message.
    static func fail(_ error: any Error) -> Never {
        let code = exitCode(for: error)
        if code == .success { exit(withError: error) }
        var message = fullMessage(for: error)
        if message.hasPrefix("Error: ") { message.removeFirst("Error: ".count) }
        StandardError.error(message)
        Foundation.exit(code.rawValue)
    }
}
