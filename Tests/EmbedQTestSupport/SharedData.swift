import Foundation

/// Where the tests find `../shared` (golden files, the real model, SciFact): `$EMBEDQ_SHARED`,
/// else the `shared` folder beside the package root.
public enum SharedData {
    /// The shared folder (it may not exist: tests that need it skip with a message then).
    public static var folder: URL {
        if let path = ProcessInfo.processInfo.environment["EMBEDQ_SHARED"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// The package's root folder (computed from this file's path).
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }
}

#if canImport(XCTest)
import XCTest

extension SharedData {
    /// `path` inside the shared folder, or an `XCTSkip` saying that the shared data is absent.
    public static func file(_ path: String) throws -> URL {
        let url = folder.appendingPathComponent(path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("shared data not found at \(url.path); set EMBEDQ_SHARED to the shared folder")
        }
        return url
    }
}
#endif
