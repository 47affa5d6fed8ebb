import Foundation

/// Each node's level, drawn from the seed alone: `P(level ≥ l) = M^−l` (HNSW's `mL = 1 / ln M`),
/// computed in integer arithmetic so that every platform draws the same levels.
enum LevelAssignment {
    /// The level of `row`: a SplitMix64 value of `seed` and `row`, compared with
    /// `⌊(2⁶⁴ − 1) / M^l⌋` for l = 1, 2, … (each test passes with probability ≈ 1 / M).
    static func level(of row: Int, seed: UInt64, connectivity: Int) -> Int {
        var z = seed &+ (UInt64(truncatingIfNeeded: row) &+ 1) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        let m = UInt64(connectivity)
        var level = 0
        var threshold = UInt64.max / m
        while z < threshold, level < HNSWParameters.maximumLevel {
            level += 1
            threshold /= m
        }
        return level
    }
}

/// Hands out chunks of `0 ..< total` to the threads of one parallel step (dynamic scheduling:
/// which thread takes which chunk varies, the work done for each index does not).
final class ChunkCounter: @unchecked Sendable {
    // `next` is only touched under `lock`.
    private let lock = NSLock()
    private var next = 0
    private let total: Int
    private let chunk: Int

    init(total: Int, chunk: Int) {
        self.total = total
        self.chunk = Swift.max(chunk, 1)
    }

    /// The next chunk, or `nil` when all are taken.
    func take() -> Range<Int>? {
        lock.lock()
        defer { lock.unlock() }
        guard next < total else { return nil }
        let start = next
        next = Swift.min(total, next + chunk)
        return start..<next
    }
}
