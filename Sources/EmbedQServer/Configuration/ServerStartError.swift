/// Why the server could not start (bad options, a model or ranges file that cannot be used).
public enum ServerStartError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The ranges cover `ranges` dimensions, the model produces `model`.
    case rangesDimension(ranges: Int, model: Int)
    /// A limit is not positive.
    case invalidLimit(name: String, value: Int)
    /// The same string was given as the full key and the read-only key, or a key is empty.
    case invalidKeys(String)
    /// The calibration corpus gave fewer than two texts.
    case calibrationCorpusTooSmall(texts: Int)
    /// The model could not be loaded.
    case modelLoad(String)
    /// A collection name that ``CollectionSpec/isValidName(_:)`` refuses (`--index NAME=PATH`).
    case invalidCollectionName(String)

    public var description: String {
        switch self {
        case .rangesDimension(let ranges, let model):
            return "the ranges cover \(ranges) dimensions but the model produces \(model)"
        case .invalidLimit(let name, let value):
            return "\(name) must be at least 1, got \(value)"
        case .invalidKeys(let reason):
            return reason
        case .calibrationCorpusTooSmall(let texts):
            return "calibration needs at least 2 texts, the corpus gave \(texts)"
        case .modelLoad(let reason):
            return "cannot load the model: \(reason)"
        case .invalidCollectionName(let name):
            return "'\(name)' cannot name a collection: use 1 to 64 of A-Z a-z 0-9 _ - . (not starting with '.')"
        }
    }
}
