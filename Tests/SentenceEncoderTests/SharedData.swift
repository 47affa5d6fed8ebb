import EmbedQTestSupport
import Foundation
import XCTest

/// The shared-data locator, visible to every file of this target.
typealias SharedData = EmbedQTestSupport.SharedData
typealias BuiltProducts = EmbedQTestSupport.BuiltProducts
typealias TestPrerequisite = EmbedQTestSupport.TestPrerequisite

/// The encoder tests' readers of `../shared` (see ``EmbedQTestSupport/SharedData``).
extension SharedData {
    /// The real all-MiniLM-L6-v2 model folder.
    static func modelFolder() throws -> URL {
        try file("models/all-MiniLM-L6-v2")
    }

    /// The JSON objects of a JSON Lines file.
    static func jsonLines(_ url: URL) throws -> [[String: Any]] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    /// Reads a NumPy v1.0 little-endian C-order float32 2-D array: `(rows, columns, values)`.
    static func float32Matrix(npy url: URL) throws -> (rows: Int, columns: Int, values: [Float]) {
        let data = try Data(contentsOf: url)
        let bytes = [UInt8](data)
        XCTAssertEqual(Array(bytes[0..<6]), [0x93] + Array("NUMPY".utf8), "not a .npy file")
        XCTAssertEqual(bytes[6], 1, "only .npy version 1.0 is read here")
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        XCTAssertTrue(header.contains("'descr': '<f4'"), "not little-endian float32: \(header)")
        XCTAssertTrue(header.contains("'fortran_order': False"), "not C order: \(header)")
        let shapeText = try XCTUnwrap(header.range(of: "'shape': (").map { header[$0.upperBound...] })
        let dims = shapeText.prefix { $0 != ")" }.split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        XCTAssertEqual(dims.count, 2)
        let start = 10 + headerLength
        let count = dims[0] * dims[1]
        XCTAssertEqual(bytes.count - start, count * 4)
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBytes { destination in
            bytes.withUnsafeBytes { source in
                destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[start..<(start + count * 4)]))
            }
        }
        return (dims[0], dims[1], values)
    }
}

import SentenceEncoder

/// Shared encoder construction for tests.
enum SentenceEncoderTestSupport {
    static func encoder(_ folder: URL) throws -> SentenceEncoder {
        try SentenceEncoder(folder: folder)
    }
}
