import Foundation
import XCTest

/// A static HTTP server on 127.0.0.1 (Python's `http.server` on a free port) serving a folder
/// laid out like the Hugging Face hub API, started and stopped by the test.
final class LoopbackHubServer {
    let process = Process()
    let port: Int
    var endpoint: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// Serves `root`.
    ///
    /// - Throws: when python3 is not installed, a skip (a failure in CI: scripts/test.sh installs
    ///   it); when the server does not start, a failure with its output — never a skip.
    init(root: URL) throws {
        guard let python = ["/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3"].first(where: {
            FileManager.default.isExecutableFile(atPath: $0)
        }) else {
            throw TestPrerequisite.unavailable("python3 not found; the hub download test needs it for its loopback HTTP server")
        }
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", root.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // First line: "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..."
        var text = ""
        let deadline = Date().addingTimeInterval(10)
        var found: Int?
        while found == nil, Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            if let range = text.range(of: "port "), let number = Int(text[range.upperBound...].prefix { $0.isNumber }) {
                found = number
            }
        }
        guard let found else {
            process.terminate()
            throw ServerDidNotStart(output: text)
        }
        port = found
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit { stop() }

    /// The server printed no port within 10 seconds (a test failure).
    struct ServerDidNotStart: Error, CustomStringConvertible {
        var output: String
        var description: String { "the loopback HTTP server did not start; its output: \(output.debugDescription)" }
    }
}
