/// A ``ProgressBar`` whose total is learnt from the first update (the texts left to encode once
/// the cache has been consulted). `@unchecked Sendable`: updates come one at a time.
final class EncodingProgress: @unchecked Sendable {
    private let isEnabled: Bool
    private var bar: ProgressBar?

    init(isEnabled: Bool) {
        self.isEnabled = isEnabled
    }

    /// Shows `done` of `total` texts.
    func update(_ done: Int, of total: Int) {
        if bar == nil { bar = ProgressBar(total: total, unit: "texts", isEnabled: isEnabled) }
        bar?.update(done)
    }

    /// Ends the bar's line, if one was drawn.
    func finish() {
        bar?.finish()
    }
}
