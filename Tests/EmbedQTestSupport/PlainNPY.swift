import Foundation

/// A minimal `.npy` reader written for the tests, independent of EmbedQ's own `NPYFile`: version
/// 1.0–3.0 headers, little-endian or byte-sized C-order arrays only. It lets end-to-end tests
/// check what the CLI wrote without trusting the code under test to read it back.
public struct PlainNPY: Sendable {
    /// The dtype descriptor, e.g. `<f4`, `|i1`, `|u1`, `<u2`.
    public var descr: String
    /// The shape, outermost first.
    public var shape: [Int]
    /// The raw data bytes, row-major.
    public var data: [UInt8]

    /// Thrown for anything this reader does not handle.
    public struct Unsupported: Error, CustomStringConvertible {
        /// What was wrong.
        public var description: String
    }

    /// Reads the file at `url`.
    ///
    /// - Throws: ``Unsupported`` for a file that is not a C-order little-endian `.npy`.
    public init(contentsOf url: URL) throws {
        let bytes = [UInt8](try Data(contentsOf: url))
        guard bytes.count >= 10, Array(bytes[0..<6]) == [0x93] + Array("NUMPY".utf8) else {
            throw Unsupported(description: "\(url.path) is not a .npy file")
        }
        let (length, start) = bytes[6] == 1
            ? (Int(bytes[8]) | Int(bytes[9]) << 8, 10)
            : (Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24, 12)
        guard bytes.count >= start + length else { throw Unsupported(description: "\(url.path): header past the end") }
        let header = String(decoding: bytes[start..<(start + length)], as: UTF8.self)
        guard header.contains("'fortran_order': False"),
              let descrRange = header.range(of: "'descr': '"),
              let shapeRange = header.range(of: "'shape': (") else {
            throw Unsupported(description: "\(url.path): unexpected header \(header)")
        }
        descr = String(header[descrRange.upperBound...].prefix { $0 != "'" })
        shape = header[shapeRange.upperBound...].prefix { $0 != ")" }.split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        data = Array(bytes[(start + length)...])
        let itemSize = Int(descr.dropFirst(2)) ?? 0
        guard !descr.hasPrefix(">"), data.count == shape.reduce(1, *) * itemSize else {
            throw Unsupported(description: "\(url.path): \(data.count) bytes for \(descr) \(shape)")
        }
    }

    /// The values of a `<f4` array.
    public var float32Values: [Float] {
        precondition(descr == "<f4", "not float32: \(descr)")
        return stride(from: 0, to: data.count, by: 4).map {
            Float(bitPattern: UInt32(data[$0]) | UInt32(data[$0 + 1]) << 8 | UInt32(data[$0 + 2]) << 16 | UInt32(data[$0 + 3]) << 24)
        }
    }

    /// The values of a `<f8` array.
    public var float64Values: [Double] {
        precondition(descr == "<f8", "not float64: \(descr)")
        return stride(from: 0, to: data.count, by: 8).map { start in
            var bits: UInt64 = 0
            for byte in 0..<8 { bits |= UInt64(data[start + byte]) << (8 * UInt64(byte)) }
            return Double(bitPattern: bits)
        }
    }
}
