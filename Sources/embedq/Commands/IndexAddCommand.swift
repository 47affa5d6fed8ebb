import ArgumentParser
import EmbedQ

/// `embedq index add INDEX CORPUS.npy --ids IDS.txt`.
struct IndexAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Append documents to an index (quantized with the index's own precisions and ranges).")

    @Argument(help: "The index file.")
    var index: String

    @Argument(help: "Float embeddings .npy (n × d) of the new documents.")
    var corpus: String

    @Option(name: .long, help: "Ids of the new documents, one per line; none may be live in the index already.")
    var ids: String

    func run() throws {
        let start = ContinuousClock.now
        let documentIDs = try IndexInput.ids(ids)
        let embeddings = try EmbeddingMatrix(contentsOfNPY: corpus)
        try IndexInput.checkCount(ids: documentIDs, idsPath: ids, rows: embeddings.rowCount, corpusPath: corpus)
        let generation = try IndexBuilder.add(to: index, embeddings: embeddings, ids: documentIDs)
        StandardError.log("added \(embeddings.rowCount) documents to \(index) (generation \(generation)) in \(seconds(since: start))")
    }
}
