import Foundation

/// The modules of a sentence-transformers folder after the transformer: pooling, optional dense
/// layers, optional L2 normalization, the transformer's settings and the prompts
/// (`modules.json`, `sentence_bert_config.json`, `1_Pooling/config.json`, `2_Dense/…`,
/// `config_sentence_transformers.json`).
struct SentenceTransformerPipeline: Sendable {
    /// Pooling strategies, concatenated in order.
    var pooling: [PoolingStrategy]
    /// Whether pooling covers the prompt's tokens (`include_prompt`, default true).
    var poolingIncludesPrompt = true
    /// Named prompts (`prompts` of `config_sentence_transformers.json`), e.g. `"query": "query: "`.
    var prompts: [String: String] = [:]
    /// The prompt used when none is asked for (`default_prompt_name`), or `nil`.
    var defaultPromptName: String?
    /// Dense layers applied after pooling, in order.
    var denseLayers: [DenseLayer]
    /// Whether the final vector is divided by its L2 norm.
    var normalizes: Bool
    /// The longest token sequence, special tokens included, from `sentence_bert_config.json`.
    var maxSequenceLength: Int?
    /// Whether the text is lowercased before tokenizing (`do_lower_case`).
    var lowercasesInput: Bool
    /// The folder holding the transformer's files (`modules.json` path of the Transformer module).
    var transformerFolder: URL

    /// Reads the pipeline of the model folder `folder`. Without `modules.json` the folder is a
    /// plain Hugging Face model: mean pooling, no normalization (sentence-transformers' default).
    init(folder: URL) throws {
        let modulesURL = folder.appendingPathComponent("modules.json")
        pooling = [.mean]
        denseLayers = []
        normalizes = false
        transformerFolder = folder
        var sawPooling = false
        if FileManager.default.fileExists(atPath: modulesURL.path) {
            guard let modules = try JSONFile.any(at: modulesURL) as? [[String: Any]] else {
                throw SentenceEncoderError.invalidJSON(path: modulesURL.path, reason: "expected an array of module objects")
            }
            for module in modules {
                guard let type = module["type"] as? String else {
                    throw SentenceEncoderError.invalidJSON(path: modulesURL.path, reason: "module without \"type\"")
                }
                let path = module["path"] as? String ?? ""
                let moduleFolder = path.isEmpty ? folder : folder.appendingPathComponent(path)
                switch type.split(separator: ".").last.map(String.init) ?? type {
                case "Transformer":
                    transformerFolder = moduleFolder
                case "Pooling":
                    let configuration = moduleFolder.appendingPathComponent("config.json")
                    pooling = try PoolingStrategy.strategies(contentsOf: configuration)
                    poolingIncludesPrompt = try JSONObjectReader(object: try JSONFile.object(at: configuration), path: configuration.path)
                        .optionalBool("include_prompt") ?? true
                    sawPooling = true
                case "Dense":
                    denseLayers.append(try DenseLayer(folder: moduleFolder))
                case "Normalize":
                    normalizes = true
                default:
                    throw SentenceEncoderError.unsupportedModel(path: modulesURL.path, reason: "module type \(type) is not supported")
                }
            }
            if !sawPooling {
                throw SentenceEncoderError.unsupportedModel(path: modulesURL.path, reason: "no Pooling module")
            }
        }
        maxSequenceLength = nil
        lowercasesInput = false
        let settingsURL = folder.appendingPathComponent("sentence_bert_config.json")
        if FileManager.default.fileExists(atPath: settingsURL.path) {
            let reader = JSONObjectReader(object: try JSONFile.object(at: settingsURL), path: settingsURL.path)
            if reader.object["max_seq_length"] != nil, !(reader.object["max_seq_length"] is NSNull) {
                let length = try reader.int("max_seq_length")
                guard length >= 2 else {
                    throw SentenceEncoderError.invalidConfiguration(path: settingsURL.path, key: "max_seq_length", reason: "\(length) is below 2")
                }
                maxSequenceLength = length
            }
            lowercasesInput = try reader.optionalBool("do_lower_case") ?? false
        }
        if maxSequenceLength == nil {
            // sentence-transformers 6 saves no max_seq_length and truncates at the tokenizer's
            // model_max_length (tokenizer_config.json); "unbounded" sentinels (≥ 2^30) are ignored.
            let tokenizerSettings = transformerFolder.appendingPathComponent("tokenizer_config.json")
            if FileManager.default.fileExists(atPath: tokenizerSettings.path) {
                let reader = JSONObjectReader(object: try JSONFile.object(at: tokenizerSettings), path: tokenizerSettings.path)
                if let length = reader.object["model_max_length"] as? NSNumber, length.doubleValue >= 2, length.doubleValue < 1_073_741_824 {
                    maxSequenceLength = length.intValue
                }
            }
        }
        try readPrompts(from: folder.appendingPathComponent("config_sentence_transformers.json"))
    }

    /// Reads `prompts` (an object of strings) and `default_prompt_name` (a key of it, or null)
    /// when the file exists.
    private mutating func readPrompts(from url: URL) throws {
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        let object = try JSONFile.object(at: url)
        if let value = object["prompts"], !(value is NSNull) {
            // A null prompt is the empty prompt, as sentence-transformers reads it.
            guard let entries = value as? [String: Any],
                  let prompts = Optional(entries.compactMapValues { $0 is NSNull ? "" : $0 as? String }),
                  prompts.count == entries.count else {
                throw SentenceEncoderError.invalidConfiguration(path: url.path, key: "prompts", reason: "not an object of strings")
            }
            self.prompts = prompts
        }
        defaultPromptName = try JSONObjectReader(object: object, path: url.path).optionalString("default_prompt_name")
        if let name = defaultPromptName, prompts[name] == nil {
            throw SentenceEncoderError.invalidConfiguration(
                path: url.path, key: "default_prompt_name", reason: "\"\(name)\" is not one of the prompts (\(prompts.keys.sorted().joined(separator: ", ")))")
        }
    }
}
