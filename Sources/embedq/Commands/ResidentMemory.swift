import Foundation

/// This process's resident memory as Linux reports it in `/proc/self/status`, for log lines.
enum ResidentMemory {
    /// `VmRSS` (resident now) and `VmHWM` (peak) in bytes; `nil` where `/proc` is unavailable.
    static func current() -> (resident: Int, peak: Int)? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        var values: [String: Int] = [:]
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") || line.hasPrefix("VmHWM:") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.count >= 2, let kilobytes = Int(fields[1]) { values[String(fields[0].dropLast())] = kilobytes * 1024 }
        }
        guard let resident = values["VmRSS"], let peak = values["VmHWM"] else { return nil }
        return (resident, peak)
    }

    /// `resident R, peak P` for a log line, or an empty string.
    static func summary() -> String {
        guard let memory = current() else { return "" }
        return "resident \(formatBytes(memory.resident)), peak \(formatBytes(memory.peak))"
    }
}
