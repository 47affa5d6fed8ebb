import Foundation

/// The modules of a sentence-transformers folder after the transformer: pooling, optional dense
/// layers, optional L2 normalization, and the transformer's settings (`modules.json`,
/// `sentence_bert_config.json`, `1_Pooling/config.json`, `2_Dense/…`).
struct SentenceTransformerPipeline: Sendable {
    /// Pooling strategies, concatenated in order.
    var pooling: [PoolingStrategy]
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
                    pooling = try PoolingStrategy.strategies(contentsOf: moduleFolder.appendingPathComponent("config.json"))
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
    }
}
