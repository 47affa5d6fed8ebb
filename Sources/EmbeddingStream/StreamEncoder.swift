import EmbeddingQuantization
import SentenceEncoder

/// Turns batches of stream records into vectors or codes: one loaded ``SentenceEncoder``, one
/// prompt, one output precision with fixed ranges. Every row is computed exactly as
/// `embedq embed` + `embedq quantize` compute it for the same text, whatever the batch: the
/// encoder's vectors do not depend on their batch (no padding), and quantizing with given ranges
/// is row by row.
///
/// ```swift
/// let stream = try StreamEncoder(encoder: SentenceEncoder(model: "all-MiniLM-L6-v2"), precision: .ubinary)
/// let rows = stream.encode([StreamRecord(id: .string("a"), text: "A sentence.", line: 1)])  // 48 bytes
/// ```
public struct StreamEncoder: Sendable {
    /// The encoder (loaded once, shared by every batch).
    public let encoder: SentenceEncoder
    /// The output precision and its ranges.
    public let quantizer: EmbeddingQuantizer
    /// The prompt prepended to every text.
    public let prompt: Prompt
    /// Whether vectors are L2-normalized after truncation (sentence-transformers' `normalize_embeddings`).
    public let normalize: Bool
    /// Texts per forward pass (≥ 1).
    public let batchSize: Int

    /// Creates a stream encoder.
    ///
    /// - Parameters:
    ///   - precision: the output precision; `int8`, `uint8`, `int4`, `ternary` and `rabitq1` …
    ///     `rabitq4` need `ranges` (a stream cannot calibrate itself: each batch would get other
    ///     ranges).
    ///   - ranges: calibration ranges of width ``SentenceEncoder/dimension`` (with ternary
    ///     thresholds for `ternary`, a rotation for the RaBitQ precisions).
    ///   - batchSize: texts per forward pass.
    /// - Throws: ``StreamSetupError`` for missing or mismatched ranges, or a batch size below 1;
    ///   ``SentenceEncoderError/unknownPrompt(name:available:)`` for a prompt the model lacks.
    public init(encoder: SentenceEncoder, precision: Precision = .float32, ranges: QuantizationRanges? = nil,
                prompt: Prompt = .modelDefault, normalize: Bool = false, batchSize: Int = 32) throws {
        guard batchSize >= 1 else { throw StreamSetupError.invalidBatchSize(batchSize) }
        if precision.needsCalibration {
            guard let ranges else { throw StreamSetupError.missingRanges(precision) }
            guard ranges.dimension == encoder.dimension else {
                throw StreamSetupError.rangesDimensionMismatch(ranges: ranges.dimension, model: encoder.dimension)
            }
            if precision == .ternary, ranges.ternaryThresholds == nil { throw StreamSetupError.missingTernaryThresholds }
            if precision.rabitqCodeBits != nil, ranges.rotation == nil { throw StreamSetupError.missingRotation(precision) }
        }
        _ = try encoder.promptText(prompt)
        self.encoder = encoder
        self.quantizer = EmbeddingQuantizer(precision: precision, ranges: precision.needsCalibration ? ranges : nil)
        self.prompt = prompt
        self.normalize = normalize
        self.batchSize = batchSize
    }

    /// Bytes of one output row: `4 × dimension` for float32, else the precision's row size.
    public var bytesPerRow: Int { quantizer.precision.bytesPerVector(dimension: encoder.dimension) }

    /// The output row of each record, in order: its codes (float32: little-endian values), or
    /// the error that kept it from being encoded (a tokenizer refusal, a non-finite vector).
    /// One record's failure does not affect the others.
    public func encode(_ records: [StreamRecord]) -> [Result<[UInt8], StreamLineError>] {
        var results = [Result<[UInt8], StreamLineError>?](repeating: nil, count: records.count)
        // Tokenize together; when that fails, one by one to find the texts at fault.
        var sequences: [[Int32]?]
        if let together = try? encoder.tokenize(records.map(\.text), prompt: prompt) {
            sequences = together
        } else {
            sequences = records.indices.map { index in
                do {
                    return try encoder.tokenize([records[index].text], prompt: prompt)[0]
                } catch {
                    results[index] = .failure(.encodingFailed(line: records[index].line, reason: "\(error)"))
                    return nil
                }
            }
        }
        let encodable = records.indices.filter { sequences[$0] != nil }
        let rows = rowsOrErrors(encodable.map { sequences[$0]! }, lines: encodable.map { records[$0].line })
        for (position, index) in encodable.enumerated() { results[index] = rows[position] }
        return results.map { $0! }
    }

    /// One response per record, in order (see ``StreamResponse``).
    public func responses(to records: [StreamRecord]) -> [StreamResponse] {
        let isFloat = quantizer.precision == .float32
        return zip(records, encode(records)).map { record, row in
            switch row {
            case .success(let bytes): return StreamResponse(id: record.id, payload: isFloat ? .embedding(bytes) : .codes(bytes))
            case .failure(let error): return StreamResponse(id: record.id, payload: .error(error))
            }
        }
    }

    /// Encodes and quantizes tokenized rows together; when quantizing all of them fails (a
    /// non-finite value), row by row so the error stays with its row.
    private func rowsOrErrors(_ sequences: [[Int32]], lines: [Int]) -> [Result<[UInt8], StreamLineError>] {
        guard !sequences.isEmpty else { return [] }
        let dimension = encoder.dimension
        let values: [Float]
        do {
            values = try encoder.encodeRowMajor(tokenized: sequences, prompt: prompt, normalize: normalize, batchSize: batchSize)
        } catch {
            return lines.map { .failure(.encodingFailed(line: $0, reason: "\(error)")) }
        }
        if let matrix = try? EmbeddingMatrix(rowCount: sequences.count, dimension: dimension, values: values),
           let codes = try? quantizer.quantize(matrix) {
            return (0..<sequences.count).map { .success(Array(codes[row: $0])) }
        }
        return lines.indices.map { row in
            do {
                let matrix = try EmbeddingMatrix(rowCount: 1, dimension: dimension,
                                                 values: Array(values[(row * dimension)..<((row + 1) * dimension)]))
                return .success(try quantizer.quantize(matrix).codes)
            } catch {
                return .failure(.encodingFailed(line: lines[row], reason: "\(error)"))
            }
        }
    }
}

/// Why a stream could not start (before any line is read).
public enum StreamSetupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `int8` / `uint8` / `int4` / `ternary` output without ranges.
    case missingRanges(Precision)
    /// The ranges cover another width than the encoder's output.
    case rangesDimensionMismatch(ranges: Int, model: Int)
    /// `ternary` output with ranges that have no thresholds row.
    case missingTernaryThresholds
    /// RaBitQ output with ranges that carry no rotation.
    case missingRotation(Precision)
    /// A batch size below 1.
    case invalidBatchSize(Int)
    /// A segment stream given an encoder of another output than float32 (the collection quantizes).
    case segmentNeedsFloatVectors(Precision)
    /// A segment stream whose encoder's output width is not the collection's dimension.
    case collectionDimensionMismatch(collection: Int, model: Int)
    /// A segment stream for a collection whose precision needs ranges it does not have yet.
    case collectionWithoutRanges

    /// A message naming the problem and the fix.
    public var description: String {
        switch self {
        case .missingRanges(let precision):
            return "\(precision.rawValue) output in a stream needs --ranges (from `embedq calibrate`): each batch would calibrate itself differently"
        case .rangesDimensionMismatch(let ranges, let model):
            return "the ranges have \(ranges) dimensions, the encoder's output has \(model)"
        case .missingTernaryThresholds:
            return "ternary output needs ranges with ternary thresholds (row 2, from `embedq calibrate`)"
        case .missingRotation(let precision):
            return "\(precision.rawValue) output needs ranges with a rotation (`embedq calibrate --rotation`)"
        case .invalidBatchSize(let size):
            return "batch size \(size) is below 1"
        case .segmentNeedsFloatVectors(let precision):
            return "a segment stream takes float32 vectors (the collection quantizes them), not \(precision.rawValue)"
        case .collectionDimensionMismatch(let collection, let model):
            return "the collection has \(collection) dimensions, the encoder's output has \(model)"
        case .collectionWithoutRanges:
            return "the collection has no calibration ranges yet: add a first batch, or create it with --ranges, before building segments from a stream"
        }
    }
}
