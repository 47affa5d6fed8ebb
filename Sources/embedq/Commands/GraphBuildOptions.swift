import ArgumentParser
import EmbedQ
import Foundation

/// The HNSW options of `embedq index build --graph` and `embedq index graph`, and the build
/// both run (``IndexGraphFile/build(forIndexAt:parameters:threads:progress:)``).
struct GraphBuildOptions: ParsableArguments {
    @Option(name: .customLong("m"), help: "HNSW M: links per node on the upper levels (2 M on level 0).")
    var connectivity: Int = 16

    @Option(name: .long, help: "HNSW ef_construction: candidates kept while linking each row.")
    var efConstruction: Int = 128

    @Option(name: .long, help: "Seed of the node levels (the same seed, codes and M give the same graph).")
    var seed: UInt64 = 0

    @Option(name: .long, help: "Build threads (default: every core; the graph is the same for any count).")
    var threads: Int?

    /// Builds and writes the graph of the index at `indexPath`, with a progress bar on a terminal.
    func build(forIndexAt indexPath: String, rowCount: Int) throws {
        let start = ContinuousClock.now
        let graphPath = IndexGraphFile.path(forIndex: indexPath)
        StandardError.log("building the HNSW graph of \(indexPath) (M \(connectivity), ef_construction \(efConstruction), seed \(seed))…")
        let progress = ProgressBar(total: rowCount, unit: "rows", isEnabled: isatty(STDERR_FILENO) == 1)
        let graph = try IndexGraphFile.build(
            forIndexAt: indexPath,
            parameters: HNSWParameters(connectivity: connectivity, efConstruction: efConstruction, seed: seed),
            threads: threads, progress: { progress.update($0) })
        progress.finish()
        StandardError.log("wrote \(graphPath): \(graph.rowCount) nodes, \(graph.maxLevel + 1) levels, \(formatBytes(graph.byteCount)) in \(seconds(since: start))")
    }
}
