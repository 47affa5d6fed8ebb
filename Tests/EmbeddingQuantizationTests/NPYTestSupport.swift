import Foundation
import XCTest
@testable import EmbeddingQuantization

/// Fixtures made by scripts/fixtures/make_npy_fixtures.py (NumPy 2.4). They live in
/// Tests/Fixtures/npy, outside the test target, so SwiftPM does not warn about undeclared
/// resources; #filePath locates them.
enum NPYFixtures {
    static let directory: String = {
        var components = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(2)  // NPYTestSupport.swift, EmbeddingQuantizationTests
        return components.joined(separator: "/") + "/Fixtures/npy"
    }()

    static func path(_ name: String) -> String { directory + "/" + name }

    static func bytes(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path(name)) else {
            XCTFail("missing fixture \(path(name)); run scripts/fixtures/make_npy_fixtures.py", file: file, line: line)
            throw MissingFixture(path: path(name))
        }
        return [UInt8](data)
    }

    struct MissingFixture: Error { var path: String }

    static func array(_ name: String) throws -> NPYArray {
        try NPYFile.decode(bytes(name))
    }

    /// Every fixture file name ending in .npy.
    static func allNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".npy") }.sorted()
    }
}

/// Builds a .npy file around an arbitrary header text (no padding is added).
func makeNPY(header: String, major: UInt8 = 1, data: [UInt8] = []) -> [UInt8] {
    let text = Array(header.utf8)
    var bytes = NPYHeader.magic + [major, 0]
    if major == 1 {
        bytes += [UInt8(text.count & 0xFF), UInt8(text.count >> 8)]
    } else {
        bytes += (0..<4).map { UInt8((text.count >> (8 * $0)) & 0xFF) }
    }
    return bytes + text + data
}

/// Asserts that `body` throws an `NPYError` and returns it (nil after a failure).
@discardableResult
func assertNPYError<T>(
    _ body: @autoclosure () throws -> T, _ message: String = "", file: StaticString = #filePath, line: UInt = #line
) -> NPYError? {
    do {
        let value = try body()
        XCTFail("expected an NPYError, got \(value) \(message)", file: file, line: line)
    } catch let error as NPYError {
        return error
    } catch {
        XCTFail("expected an NPYError, got \(type(of: error)): \(error) \(message)", file: file, line: line)
    }
    return nil
}

/// A fresh empty directory under the system temporary directory, removed by the caller.
func makeTemporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "/npy-tests-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A deterministic pseudo-random generator (SplitMix64) so that fuzz cases are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
