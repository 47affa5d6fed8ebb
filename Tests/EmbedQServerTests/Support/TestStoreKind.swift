import EmbedQServer
import Foundation
import XCTest

/// The collection stores the route tests run over.
enum TestStoreKind {
    /// ``MemoryCollectionStore``, the brute-force oracle.
    case memory
    /// ``DirectoryCollectionStore`` in a new temporary folder (what `embedq serve --collections` uses).
    case directory

    /// A new, empty store.
    func makeStore() throws -> any CollectionStore {
        switch self {
        case .memory: return try MemoryCollectionStore()
        case .directory: return try DirectoryCollectionStore(directory: Self.temporaryFolder(), logger: quietLogger)
        }
    }

    /// A new empty folder under the temporary directory.
    static func temporaryFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-collections-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.path
    }

    /// Checks that the server closed `store` at shutdown.
    func assertClosed(_ store: any CollectionStore, file: StaticString = #filePath, line: UInt = #line) async throws {
        switch self {
        case .memory:
            let closed = await (store as! MemoryCollectionStore).closed
            XCTAssertTrue(closed, "the store is closed at shutdown", file: file, line: line)
        case .directory:
            // Closed collections refuse writes (the store answers as if they were gone) …
            do {
                _ = try await store.upsert([CollectionPoint(id: "late", vector: [1])], into: "kept")
                XCTFail("a write after shutdown succeeded", file: file, line: line)
            } catch let error as CollectionStoreError {
                XCTAssertEqual(error, .collectionNotFound("kept"), file: file, line: line)
            }
            // … and released their locks: the folder opens again, with what was acknowledged.
            let reopened = try DirectoryCollectionStore(directory: (store as! DirectoryCollectionStore).directory, logger: quietLogger)
            let names = try await reopened.collections().map(\.name)
            XCTAssertEqual(names, ["kept"], file: file, line: line)
            let point = try await reopened.point("1", in: "kept")
            XCTAssertEqual(point.vector, [0.5], file: file, line: line)
            try await reopened.close()
        }
    }
}
