import ArgumentParser
import EmbedQ

/// `embedq collection add DIR --vectors X.npy --ids IDS.txt [--payloads P.jsonl]`.
struct CollectionAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add or replace points (one atomic, durable batch; an existing id is replaced).")

    @Argument(help: "The collection directory.")
    var directory: String

    @Option(name: .long, help: "Float embeddings .npy (n × d).")
    var vectors: String

    @Option(name: .long, help: "Ids, one per line (n lines).")
    var ids: String

    @Option(name: .long, help: "Payloads, one JSON object per line (n lines).")
    var payloads: String?

    func run() throws {
        let start = ContinuousClock.now
        let pointIDs = try IndexInput.ids(ids)
        let embeddings = try EmbeddingMatrix(contentsOfNPY: vectors)
        try IndexInput.checkCount(ids: pointIDs, idsPath: ids, rows: embeddings.rowCount, corpusPath: vectors)
        let objects = try payloads.map { try CollectionInput.payloads($0) }
        if let objects, objects.count != pointIDs.count {
            throw CommandFailure("\(payloads!): \(objects.count) payload lines for \(pointIDs.count) ids")
        }
        let collection = try VectorCollection(opening: directory)
        let report = try collection.upsert(ids: pointIDs, vectors: embeddings, payloads: objects)
        collection.close()
        StandardError.log("added \(report.applied) points to \(directory) (batch \(report.sequence)\(report.calibrated ? ", ranges computed from it" : "")) in \(seconds(since: start))")
    }
}
