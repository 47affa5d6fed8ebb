import EmbedQTestSupport
import Foundation
import XCTest

/// The shared test-support types, visible to every file of this target.
typealias SharedData = EmbedQTestSupport.SharedData
typealias TestPrerequisite = EmbedQTestSupport.TestPrerequisite
typealias BuiltProducts = EmbedQTestSupport.BuiltProducts
typealias PlainNPY = EmbedQTestSupport.PlainNPY

/// Runs the built `embedq` executable and captures what it prints.
struct CommandRunner {
    struct Result {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// Runs `embedq arguments…` in `directory` and waits for it.
    ///
    /// - Throws: a failure (not a skip) when the built `embedq` is not found (``BuiltProducts``).
    static func run(_ arguments: [String], in directory: URL) throws -> Result {
        let process = Process()
        process.executableURL = try BuiltProducts.executable("embedq")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      standardOutput: String(decoding: outputData, as: UTF8.self),
                      standardError: String(decoding: errorData, as: UTF8.self))
    }

    /// The folder of shared data: `$EMBEDQ_SHARED`, else `../shared` beside the package root.
    static var sharedFolder: URL { SharedData.folder }
}
