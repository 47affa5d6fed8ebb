import XCTest
@testable import EmbeddingStore

/// CRC-32C against published check values (RFC 3720 B.4, the CRC catalogue's "123456789").
final class CRC32CTests: XCTestCase {
    func testKnownVectors() {
        XCTAssertEqual(CRC32C.checksum(of: Array("123456789".utf8)), 0xE306_9283)
        XCTAssertEqual(CRC32C.checksum(of: [UInt8]()), 0)
        XCTAssertEqual(CRC32C.checksum(of: [UInt8](repeating: 0, count: 32)), 0x8A91_36AA)
        XCTAssertEqual(CRC32C.checksum(of: [UInt8](repeating: 0xFF, count: 32)), 0x62A8_AB43)
        XCTAssertEqual(CRC32C.checksum(of: (0..<32).map { UInt8($0) }), 0x46DD_794E)
        XCTAssertEqual(CRC32C.checksum(of: (0..<32).map { UInt8(31 - $0) }), 0x113F_DB5C)
    }

    /// Slicing-by-8 agrees with the bitwise definition for every length and alignment, and
    /// incremental updates agree with one-shot checksums.
    func testAgreesWithBitwiseReferenceAndIsIncremental() {
        var generator = SeededGenerator(seed: 7)
        let data = (0..<300).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for start in 0..<9 {
            for end in stride(from: start, through: data.count, by: 7) {
                let slice = Array(data[start..<end])
                XCTAssertEqual(CRC32C.checksum(of: slice), bitwiseCRC32C(slice), "bytes \(start)..<\(end)")
            }
        }
        var crc = CRC32C()
        crc.update(data[0..<13])
        crc.update(data[13..<200])
        crc.update(data[200...])
        XCTAssertEqual(crc.value, CRC32C.checksum(of: data))
    }

    private func bitwiseCRC32C(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
