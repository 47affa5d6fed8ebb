import Foundation

/// Progress, warnings, logs and errors go to standard error, each line prefixed `embedq: `;
/// standard output carries only data. The one way the commands speak to people.
enum StandardError {
    /// Writes `message` and a newline to standard error, as it is (progress bars, tables).
    static func print(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// Writes `embedq: message` to standard error.
    static func log(_ message: String) {
        print("embedq: \(message)")
    }

    /// Writes `embedq: warning: message` to standard error.
    static func warn(_ message: String) {
        print("embedq: warning: \(message)")
    }

    /// Writes `embedq: error: message` to standard error.
    static func error(_ message: String) {
        print("embedq: error: \(message)")
    }
}

/// Formats byte counts for people: `1536 B`, `1.5 KB`, `384.0 MB` (powers of 1000).
func formatBytes(_ count: Int) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"]
    var value = Double(count)
    var unit = 0
    while value >= 1000, unit < units.count - 1 {
        value /= 1000
        unit += 1
    }
    return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
}

/// Seconds elapsed since `start`, for log lines.
func seconds(since start: ContinuousClock.Instant) -> String {
    let duration = ContinuousClock.now - start
    let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    return String(format: "%.2f s", value)
}
