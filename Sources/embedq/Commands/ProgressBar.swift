import Foundation

/// A one-line progress bar on standard error: `[####......] 1200/5183 texts  41.2/s  ETA 1m37s`.
/// Redrawn at most ten times a second; silent when `isEnabled` is false.
/// `@unchecked Sendable`: the encoder calls ``update(_:)`` from worker threads but one call at a
/// time (under its lock), which is all the mutable state needs.
final class ProgressBar: @unchecked Sendable {
    private let total: Int
    private let unit: String
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var lastDone = -1
    private let isEnabled: Bool

    init(total: Int, unit: String, isEnabled: Bool) {
        self.total = total
        self.unit = unit
        self.isEnabled = isEnabled
    }

    /// Shows `done` of `total`.
    func update(_ done: Int) {
        guard isEnabled, done != lastDone else { return }
        let now = Date()
        guard done >= total || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        lastDone = done
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let width = 30
        let filled = total > 0 ? width * done / total : width
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let eta = rate > 0 ? Self.duration(Double(total - done) / rate) : "?"
        let line = String(format: "\r[%@] %d/%d %@  %.1f/s  ETA %@ ", bar, done, total, unit, rate, eta)
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Ends the bar's line.
    func finish() {
        guard isEnabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 60 ? "\(total / 60)m\(String(format: "%02d", total % 60))s" : "\(total)s"
    }
}
