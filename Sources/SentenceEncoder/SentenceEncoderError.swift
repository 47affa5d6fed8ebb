import Foundation

/// Everything that can go wrong while loading a model folder or encoding text.
///
/// Each case names the file (and, where there is one, the tensor or key) that was wrong, so that
/// a message printed to a user points at what to fix.
public enum SentenceEncoderError: Error, CustomStringConvertible, Equatable {
    /// A required file is absent from the model folder.
    case missingFile(path: String)
    /// A file exists but could not be read.
    case unreadableFile(path: String, reason: String)
    /// A JSON file is not valid JSON or lacks a required key.
    case invalidJSON(path: String, reason: String)
    /// A configuration value is missing or out of range.
    case invalidConfiguration(path: String, key: String, reason: String)
    /// A safetensors file is malformed (header, offsets, sizes).
    case invalidSafeTensors(path: String, reason: String)
    /// A tensor the model needs is absent from the weights file.
    case missingTensor(path: String, tensor: String)
    /// A tensor's shape disagrees with `config.json`.
    case tensorShapeMismatch(path: String, tensor: String, expected: [Int], actual: [Int])
    /// A tensor is stored in a data type the encoder cannot read (only F32, F16, BF16 are).
    case unsupportedDataType(path: String, tensor: String, dataType: String)
    /// The model folder describes an architecture or module the encoder does not implement.
    case unsupportedModel(path: String, reason: String)
    /// The vocabulary lacks a token the tokenizer needs (`[CLS]`, `[SEP]`, `[UNK]`).
    case missingSpecialToken(path: String, token: String)
    /// A tokenizer file is malformed: `component` names where (`model (Unigram)`,
    /// `normalizer.normalizers[1] (Precompiled)`, `added_tokens[3]`), `reason` what is wrong.
    case invalidTokenizer(path: String, component: String, reason: String)
    /// A tokenizer file uses a component type the interpreter does not implement.
    case unsupportedTokenizerComponent(path: String, component: String, type: String)
    /// A model name could not be resolved to a folder (not a path, not in the cache, no hub).
    case modelNotFound(name: String, reason: String)
    /// Downloading a file from the hub failed.
    case downloadFailed(url: String, reason: String)
    /// Encoding was cancelled (its task was cancelled between two chunks of texts).
    case cancelled
    /// A prompt name the model's `config_sentence_transformers.json` does not define.
    case unknownPrompt(name: String, available: [String])

    /// A one-line message naming the file (and tensor, key or URL) and what is wrong with it.
    public var description: String {
        switch self {
        case .missingFile(let path):
            return "model file not found: \(path)"
        case .unreadableFile(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .invalidJSON(let path, let reason):
            return "invalid JSON in \(path): \(reason)"
        case .invalidConfiguration(let path, let key, let reason):
            return "invalid value for \"\(key)\" in \(path): \(reason)"
        case .invalidSafeTensors(let path, let reason):
            return "malformed safetensors file \(path): \(reason)"
        case .missingTensor(let path, let tensor):
            return "tensor \"\(tensor)\" not found in \(path)"
        case .tensorShapeMismatch(let path, let tensor, let expected, let actual):
            return "tensor \"\(tensor)\" in \(path) has shape \(actual), but config.json implies \(expected)"
        case .unsupportedDataType(let path, let tensor, let dataType):
            return "tensor \"\(tensor)\" in \(path) has data type \(dataType); supported: F32, F16, BF16, I8 with a _scale tensor"
        case .unsupportedModel(let path, let reason):
            return "unsupported model in \(path): \(reason)"
        case .missingSpecialToken(let path, let token):
            return "vocabulary in \(path) lacks the special token \(token)"
        case .invalidTokenizer(let path, let component, let reason):
            return "invalid tokenizer in \(path): \(component): \(reason)"
        case .unsupportedTokenizerComponent(let path, let component, let type):
            return "unsupported tokenizer component in \(path): \(component) has type \"\(type)\""
        case .modelNotFound(let name, let reason):
            return "model \"\(name)\" not found: \(reason)"
        case .downloadFailed(let url, let reason):
            return "download of \(url) failed: \(reason)"
        case .cancelled:
            return "encoding was cancelled"
        case .unknownPrompt(let name, let available):
            let known = available.isEmpty ? "the model defines no prompts" : "the model defines \(available.joined(separator: ", "))"
            return "no prompt named \"\(name)\" (\(known) in config_sentence_transformers.json)"
        }
    }
}

extension SentenceEncoderError {
    /// `error` as a ``SentenceEncoderError``: itself when it is one (every loader in this module
    /// throws only these), otherwise — a file-system error that escaped — ``unreadableFile(path:reason:)``
    /// for `folder`, with the system's explanation.
    static func typed(_ error: any Error, reading folder: URL) -> SentenceEncoderError {
        if let error = error as? SentenceEncoderError { return error }
        return .unreadableFile(path: folder.path, reason: error.localizedDescription)
    }
}
