/// Why a quantized model could not be saved.
public enum QuantizedModelError: Error, CustomStringConvertible, Equatable {
    /// The destination folder already exists; nothing was written.
    case destinationExists(path: String)
    /// Copying or writing a file failed.
    case unwritable(path: String, reason: String)

    /// A one-line message naming the path.
    public var description: String {
        switch self {
        case .destinationExists(let path): "\(path): already exists; choose a new folder for the quantized model"
        case .unwritable(let path, let reason): "\(path): cannot write: \(reason)"
        }
    }
}
