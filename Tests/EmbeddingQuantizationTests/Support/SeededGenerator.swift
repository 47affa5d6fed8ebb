import EmbedQTestSupport

/// The shared seeded generator (SplitMix64).
typealias SeededGenerator = EmbedQTestSupport.SeededGenerator
