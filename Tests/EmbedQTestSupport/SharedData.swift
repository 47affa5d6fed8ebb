import Foundation

/// Where the tests find `../shared` (golden files, the real model, SciFact): `$EMBEDQ_SHARED`,
/// else the `shared` folder beside the package root.
public enum SharedData {
    /// The shared folder (it may not exist: tests that need it then skip with a message, or fail
    /// in CI — see ``TestPrerequisite``).
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

/// What a test needs from outside the repository (`../shared`, python3): absent, it skips on a
/// developer's machine and **fails** in CI (`CI` set to `true`, `1` or `yes`), so that CI never
/// passes by skipping.
public enum TestPrerequisite {
    /// Whether the tests run in CI (`CI=true`; `.ci/run` sets it).
    public static var isContinuousIntegration: Bool {
        ["true", "1", "yes"].contains((ProcessInfo.processInfo.environment["CI"] ?? "").lowercased())
    }

    /// A failure thrown in CI when a prerequisite is absent.
    public struct Missing: Error, CustomStringConvertible {
        /// What is missing and how to provide it.
        public var description: String
    }
}

/// The folder holding the built products (`embedq`, the test bundle), found without
/// `CommandLine.arguments[0]`: `$EMBEDQ_BUILD_PRODUCTS` (scripts/test.sh exports the output of
/// `swift build --show-bin-path`), else the folder of the running test executable.
public enum BuiltProducts {
    /// The products folder.
    public static var folder: URL {
        if let path = ProcessInfo.processInfo.environment["EMBEDQ_BUILD_PRODUCTS"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        #if os(Linux)
        return URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        #else
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL
        #endif
    }

    /// The executable `name` in ``folder``.
    ///
    /// - Throws: ``TestPrerequisite/Missing`` (a test failure, everywhere: `swift test` builds
    ///   every executable the tests depend on) when it is not there.
    public static func executable(_ name: String) throws -> URL {
        let url = folder.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw TestPrerequisite.Missing(description: "the \(name) executable is not built at \(url.path)")
        }
        return url
    }
}

#if canImport(XCTest)
import XCTest

extension TestPrerequisite {
    /// The error to throw when a prerequisite is absent: an `XCTSkip` saying `message`, or in CI
    /// a ``Missing`` failure saying it.
    public static func unavailable(_ message: String) -> any Error {
        isContinuousIntegration ? Missing(description: message + " (CI=true: a missing prerequisite fails)") : XCTSkip(message)
    }
}

extension SharedData {
    /// `path` inside the shared folder; when it is absent, a skip (a failure in CI) naming it.
    public static func file(_ path: String) throws -> URL {
        let url = folder.appendingPathComponent(path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw TestPrerequisite.unavailable("shared data not found at \(url.path); set EMBEDQ_SHARED to the shared folder")
        }
        return url
    }
}
#endif
