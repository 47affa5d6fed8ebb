/// Encoding progress on standard error: a ``ProgressBar`` on a terminal, otherwise one log line
/// per tenth of the work (so that logs show progress without carriage returns). The total is
/// learnt from the first update (the texts left to encode once the cache has been consulted).
/// `@unchecked Sendable`: updates come one at a time.
final class EncodingProgress: @unchecked Sendable {
    private let isTerminal: Bool
    private let isEnabled: Bool
    private var bar: ProgressBar?
    private var loggedTenths = 0

    /// - Parameters:
    ///   - isEnabled: false silences it (`--quiet`).
    ///   - isTerminal: whether standard error is a terminal (a redrawn bar) or not (log lines).
    init(isEnabled: Bool, isTerminal: Bool) {
        self.isEnabled = isEnabled
        self.isTerminal = isTerminal
    }

    /// Shows `done` of `total` texts.
    func update(_ done: Int, of total: Int) {
        guard isEnabled, total > 0 else { return }
        if isTerminal {
            if bar == nil { bar = ProgressBar(total: total, unit: "texts", isEnabled: true) }
            bar?.update(done)
        } else {
            let tenths = 10 * done / total
            if tenths > loggedTenths {
                loggedTenths = tenths
                StandardError.log("encoded \(done)/\(total) texts")
            }
        }
    }

    /// Ends the bar's line, if one was drawn.
    func finish() {
        bar?.finish()
    }
}
