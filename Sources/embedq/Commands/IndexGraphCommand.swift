import ArgumentParser
import EmbedQ

/// `embedq index graph INDEX [--m 16] [--ef-construction 128] [--seed S] [--threads N]`.
struct IndexGraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Build (or rebuild) the HNSW graph of an index's fast codes, written beside it as INDEX.hnsw.",
        discussion: """
            `embedq search INDEX` then walks the graph (approximate; --ef sets the breadth, --exact \
            scans instead). Binary, ubinary, ternary, int8 and float fast codes can have a graph \
            (RaBitQ codes cannot: they are scanned). \
            Deleting documents keeps the graph valid; adding or compacting makes it stale (search \
            refuses it until it is rebuilt here). The file is replaced atomically.
            """)

    @Argument(help: "The index file.")
    var index: String

    @OptionGroup var graph: GraphBuildOptions

    func run() throws {
        let opened = try IndexFile.open(at: index)
        if opened.fast.precision.rabitqCodeBits != nil {
            throw CommandFailure(
                "\(index): an HNSW graph cannot index \(opened.fast.precision.rawValue) codes (HNSW has no RaBitQ distance); "
                    + "`embedq search \(index)` scans RaBitQ fast codes")
        }
        try graph.build(forIndexAt: index, rowCount: opened.rowCount)
    }
}
