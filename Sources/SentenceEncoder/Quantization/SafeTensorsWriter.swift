import Foundation

/// Builds a safetensors file: an 8-byte little-endian header length, a JSON header
/// `{name: {dtype, shape, data_offsets}}` padded with spaces to a multiple of 8 bytes, then the
/// tensors' little-endian bytes one after another in name order.
struct SafeTensorsWriter {
    private var entries: [(name: String, dataType: String, shape: [Int], bytes: Data)] = []

    /// Adds float32 values (`F32`) of `shape`.
    mutating func add(_ name: String, float32 values: [Float], shape: [Int]) {
        precondition(values.count == shape.reduce(1, *))
        var data = Data(capacity: values.count * 4)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        entries.append((name, "F32", shape, data))
    }

    /// Adds bfloat16 bit patterns (`BF16`) of `shape`.
    mutating func add(_ name: String, bfloat16 values: [UInt16], shape: [Int]) {
        precondition(values.count == shape.reduce(1, *))
        var data = Data(capacity: values.count * 2)
        for value in values { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        entries.append((name, "BF16", shape, data))
    }

    /// Adds int8 values (`I8`) of `shape`.
    mutating func add(_ name: String, int8 values: [Int8], shape: [Int]) {
        precondition(values.count == shape.reduce(1, *))
        entries.append((name, "I8", shape, values.withUnsafeBytes { Data($0) }))
    }

    /// The file's bytes, with `metadata` as the header's `__metadata__` (string values).
    func data(metadata: [String: String]) throws -> Data {
        let sorted = entries.sorted { $0.name < $1.name }
        var header: [String: Any] = ["__metadata__": metadata]
        var offset = 0
        for entry in sorted {
            header[entry.name] = ["dtype": entry.dataType, "shape": entry.shape, "data_offsets": [offset, offset + entry.bytes.count]]
            offset += entry.bytes.count
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var result = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { result.append(contentsOf: $0) }
        result.append(json)
        for entry in sorted { result.append(entry.bytes) }
        return result
    }
}
