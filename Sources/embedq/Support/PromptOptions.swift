import ArgumentParser
import EmbedQ

/// `--prompt-name NAME` / `--prompt TEXT`: the prompt prepended to every text, as
/// sentence-transformers' `encode(prompt_name:)` / `encode(prompt:)`.
struct PromptOptions: ParsableArguments {
    @Option(help: "A prompt the model defines in config_sentence_transformers.json, e.g. query or document (default: the model's default_prompt_name, if any).")
    var promptName: String?

    @Option(help: "A prompt text prepended to every text, e.g. \"query: \" (\"\" for none, not even the model's default).")
    var prompt: String?

    func validate() throws {
        if promptName != nil, prompt != nil { throw ValidationError("give --prompt-name or --prompt, not both") }
    }

    /// The prompt asked for.
    var choice: Prompt {
        if let prompt { return .text(prompt) }
        if let promptName { return .named(promptName) }
        return .modelDefault
    }
}

/// `--dimensions N` / `--normalize`: Matryoshka truncation of the embeddings
/// (sentence-transformers' `truncate_dim`, after every module), then L2 normalization when asked
/// (`normalize_embeddings`).
struct TruncationOptions: ParsableArguments {
    @Option(help: "Keep the first N dimensions of each embedding (Matryoshka truncation, sentence-transformers' truncate_dim).")
    var dimensions: Int?

    @Flag(help: "Divide each embedding by its L2 norm after truncation (sentence-transformers' normalize_embeddings).")
    var normalize = false

    func validate() throws {
        if let dimensions, dimensions < 1 { throw ValidationError("--dimensions must be at least 1") }
    }

    /// `matrix` truncated and normalized as asked (unchanged without either option).
    ///
    /// - Throws: a failure naming `what` when `--dimensions` exceeds its width.
    func apply(to matrix: EmbeddingMatrix, what: String) throws -> EmbeddingMatrix {
        guard dimensions != nil || normalize else { return matrix }
        let width = dimensions ?? matrix.dimension
        guard width <= matrix.dimension else {
            throw CommandFailure("--dimensions \(width) is wider than the \(matrix.dimension) dimensions of \(what)")
        }
        return try matrix.truncated(to: width, normalize: normalize)
    }
}
