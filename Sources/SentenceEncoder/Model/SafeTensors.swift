import Foundation

/// A read-only view of a `.safetensors` file: an 8-byte little-endian header length `N`, `N`
/// bytes of JSON (`{"name": {"dtype", "shape", "data_offsets": [begin, end]}, …}`), then the
/// tensor bytes, row-major, little-endian, offsets relative to the end of the header.
///
/// The file is memory-mapped; ``floats(_:)`` copies one tensor out as float32.
public struct SafeTensors: @unchecked Sendable {
    /// One tensor's entry in the header, validated against the file: its byte range lies in the
    /// data section and, for the data types the reader knows, holds exactly the shape.
    public struct TensorInfo: Sendable, Equatable {
        /// The stored data type (`"F32"`, `"F16"`, `"BF16"`, `"I64"`, …).
        public let dataType: String
        /// The shape, outermost dimension first.
        public let shape: [Int]
        /// Byte range in the data section.
        public let byteRange: Range<Int>
        /// Number of elements: the product of ``shape`` (checked not to overflow when read).
        public let elementCount: Int
    }

    /// The file's path, for error messages.
    public let path: String
    /// The tensors, by name.
    public let tensors: [String: TensorInfo]
    // Immutable mapped bytes; never mutated after init, hence @unchecked Sendable.
    private let data: Data
    private let dataStart: Int

    /// Bytes per element of the data types this reader knows.
    static let elementSizes: [String: Int] = [
        "F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1,
    ]

    /// Maps and validates the file at `url`.
    ///
    /// - Throws: ``SentenceEncoderError/missingFile(path:)``,
    ///   ``SentenceEncoderError/unreadableFile(path:reason:)``, or
    ///   ``SentenceEncoderError/invalidSafeTensors(path:reason:)`` when the header is longer than
    ///   the file, is not JSON, or a tensor's offsets, shape and data type disagree (every size
    ///   checked against the file size with overflow-checked arithmetic).
    public init(contentsOf url: URL) throws {
        guard FileManager.default.fileExists(atPath: url.path) else { throw SentenceEncoderError.missingFile(path: url.path) }
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw SentenceEncoderError.unreadableFile(path: url.path, reason: "\(error.localizedDescription)")
        }
        try self.init(data: data, path: url.path)
    }

    /// Validates the safetensors bytes `data`; `path` names them in errors.
    ///
    /// - Throws: ``SentenceEncoderError/invalidSafeTensors(path:reason:)``, as
    ///   ``init(contentsOf:)``.
    init(data: Data, path: String) throws {
        self.path = path
        self.data = data
        guard data.count >= 8 else {
            throw SentenceEncoderError.invalidSafeTensors(path: path, reason: "file has \(data.count) bytes, fewer than the 8-byte header length")
        }
        let headerLength = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw SentenceEncoderError.invalidSafeTensors(
                path: path, reason: "header length \(headerLength) is longer than the file (\(data.count) bytes)")
        }
        dataStart = 8 + Int(headerLength)
        let headerObject: Any
        do {
            headerObject = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<dataStart))
        } catch {
            throw SentenceEncoderError.invalidSafeTensors(path: path, reason: "header is not valid JSON: \(error.localizedDescription)")
        }
        guard let header = headerObject as? [String: Any] else {
            throw SentenceEncoderError.invalidSafeTensors(path: path, reason: "header is not a JSON object")
        }
        let dataSize = data.count - dataStart
        var tensors: [String: TensorInfo] = [:]
        for (name, value) in header where name != "__metadata__" {
            func invalid(_ reason: String) -> SentenceEncoderError {
                .invalidSafeTensors(path: path, reason: "tensor \"\(name)\": \(reason)")
            }
            guard let entry = value as? [String: Any], let dataType = entry["dtype"] as? String,
                  let shapeValues = entry["shape"] as? [Any], let offsetValues = entry["data_offsets"] as? [Any] else {
                throw invalid("entry lacks dtype, shape or data_offsets")
            }
            guard let offsets = Self.sizes(offsetValues), offsets.count == 2 else {
                throw invalid("data_offsets \(offsetValues) are not two integers ≥ 0")
            }
            guard offsets[0] <= offsets[1], offsets[1] <= dataSize else {
                throw invalid("data_offsets \(offsets) outside the \(dataSize)-byte data section")
            }
            guard let shape = Self.sizes(shapeValues) else { throw invalid("invalid shape \(shapeValues)") }
            // Overflow-checked: a forged shape such as [2^32 − 1, 2^32 − 1, 3] must not trap.
            var elementCount = 1
            for extent in shape {
                let (product, overflow) = elementCount.multipliedReportingOverflow(by: extent)
                guard !overflow else { throw invalid("shape \(shape) has more elements than the file can hold") }
                elementCount = product
            }
            let byteRange = offsets[0]..<offsets[1]
            if let size = Self.elementSizes[dataType] {
                let (byteCount, overflow) = elementCount.multipliedReportingOverflow(by: size)
                guard !overflow, byteCount == byteRange.count else {
                    throw invalid("\(byteRange.count) bytes do not hold shape \(shape) of \(dataType)")
                }
            }
            tensors[name] = TensorInfo(dataType: dataType, shape: shape, byteRange: byteRange, elementCount: elementCount)
        }
        self.tensors = tensors
    }

    /// `values` as non-negative integers that fit in `Int`, or `nil` when one is not (a
    /// fraction, a negative number, a number past 2^53, a string).
    private static func sizes(_ values: [Any]) -> [Int]? {
        var result: [Int] = []
        result.reserveCapacity(values.count)
        for value in values {
            guard let number = value as? NSNumber else { return nil }
            let double = number.doubleValue
            // Past 2^53 a double no longer holds every integer: no real file is that large.
            guard double >= 0, double <= 0x1p53, let integer = Int(exactly: double) else { return nil }
            result.append(integer)
        }
        return result
    }

    /// The tensor `name` as float32 values, row-major, converting F16 and BF16.
    ///
    /// - Parameter expectedShape: when given, the tensor's shape must equal it.
    /// - Throws: ``SentenceEncoderError/missingTensor(path:tensor:)``,
    ///   ``SentenceEncoderError/tensorShapeMismatch(path:tensor:expected:actual:)`` or
    ///   ``SentenceEncoderError/unsupportedDataType(path:tensor:dataType:)``.
    public func floats(_ name: String, expectedShape: [Int]? = nil) throws -> [Float] {
        guard let info = tensors[name] else { throw SentenceEncoderError.missingTensor(path: path, tensor: name) }
        if let expectedShape, expectedShape != info.shape {
            throw SentenceEncoderError.tensorShapeMismatch(path: path, tensor: name, expected: expectedShape, actual: info.shape)
        }
        let count = info.elementCount
        let start = dataStart + info.byteRange.lowerBound
        // I8: EmbedQ's quantized weights, one float scale per row in `<name>_scale`.
        let rowScales = info.dataType == "I8" ? try floats(name + "_scale", expectedShape: [info.shape.first ?? 1]) : []
        return try data.withUnsafeBytes { raw -> [Float] in
            let bytes = UnsafeRawBufferPointer(rebasing: raw[start..<(start + info.byteRange.count)])
            switch info.dataType {
            case "F32":
                return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                    for index in 0..<count {
                        buffer[index] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self)))
                    }
                    initialized = count
                }
            case "F16":
                return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                    for index in 0..<count {
                        let bits = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self))
                        buffer[index] = Self.floatFromHalf(bits)
                    }
                    initialized = count
                }
            case "BF16":
                return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                    for index in 0..<count {
                        let bits = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self))
                        buffer[index] = Float(bitPattern: UInt32(bits) << 16)
                    }
                    initialized = count
                }
            case "I8":
                let rowLength = count / max(rowScales.count, 1)
                return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                    for index in 0..<count {
                        buffer[index] = Float(Int8(bitPattern: bytes[index])) * rowScales[index / max(rowLength, 1)]
                    }
                    initialized = count
                }
            default:
                throw SentenceEncoderError.unsupportedDataType(path: path, tensor: name, dataType: info.dataType)
            }
        }
    }

    /// IEEE 754 binary16 bits to float32 (exact: every half is a float).
    static func floatFromHalf(_ bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = Int(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x3FF)
        if exponent == 0 {
            // Zero or subnormal: mantissa · 2^-24.
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign != 0 ? -magnitude : magnitude
        }
        if exponent == 0x1F {
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        }
        return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
    }
}
