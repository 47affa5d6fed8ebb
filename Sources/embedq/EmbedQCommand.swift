import ArgumentParser

/// The `embedq` command-line tool: encode text, tokenize it, and (on other branches) quantize
/// and search embeddings.
@main
struct EmbedQCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embedq",
        abstract: "Compact sentence embeddings: encode, quantize, search.",
        subcommands: [EmbedCommand.self, TokenizeCommand.self]
    )
}
