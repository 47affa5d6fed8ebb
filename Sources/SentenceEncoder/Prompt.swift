/// Which prompt (instruction prefix) is prepended to each text before tokenizing, as
/// sentence-transformers' `encode(prompt_name:)` / `encode(prompt:)` chooses it.
public enum Prompt: Sendable, Hashable {
    /// The model's `default_prompt_name` prompt when its `config_sentence_transformers.json`
    /// sets one, else none (sentence-transformers' behaviour with neither argument).
    case modelDefault
    /// The prompt the model's `prompts` names so, e.g. `query` or `document`.
    case named(String)
    /// This text verbatim, e.g. `"query: "`; the empty text means no prompt, not even the default.
    case text(String)
}
