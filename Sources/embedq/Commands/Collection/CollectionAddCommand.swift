import ArgumentParser
import EmbedQ

/// `embedq collection add DIR (--vectors X.npy | --texts T.jsonl) --ids IDS.txt [--payloads P.jsonl]`.
struct CollectionAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add or replace points (one atomic, durable batch; an existing id is replaced).")

    @Argument(help: "The collection directory.")
    var directory: String

    @Option(name: .long, help: "Float embeddings .npy (n × d).")
    var vectors: String?

    @Option(name: .long, help: "JSON Lines texts (field \"text\") encoded with the collection's recorded model instead of --vectors.")
    var texts: String?

    @Option(name: .long, help: "Ids, one per line (n lines).")
    var ids: String

    @Option(name: .long, help: "Payloads, one JSON object per line (n lines).")
    var payloads: String?

    func validate() throws {
        guard (vectors == nil) != (texts == nil) else { throw ValidationError("give either --vectors X.npy or --texts T.jsonl") }
    }

    func run() throws {
        let start = ContinuousClock.now
        let pointIDs = try IndexInput.ids(ids)
        let collection = try VectorCollection(opening: directory)
        let embeddings: EmbeddingMatrix
        if let texts {
            let documents = try JSONLinesInput.texts(path: texts)
            try IndexInput.checkCount(ids: pointIDs, idsPath: ids, rows: documents.count, corpusPath: texts)
            let encoder = try CollectionText.encoder(recorded: collection.configuration.model, given: nil, directory: directory)
            StandardError.log("encoding \(documents.count) texts with \(encoder.folder.path)…")
            embeddings = try encoder.encodeMatrix(documents)
        } else {
            embeddings = try EmbeddingMatrix(contentsOfNPY: vectors!)
            try IndexInput.checkCount(ids: pointIDs, idsPath: ids, rows: embeddings.rowCount, corpusPath: vectors!)
        }
        let objects = try payloads.map { try CollectionInput.payloads($0) }
        if let objects, objects.count != pointIDs.count {
            throw CommandFailure("\(payloads!): \(objects.count) payload lines for \(pointIDs.count) ids")
        }
        let report = try collection.upsert(ids: pointIDs, vectors: embeddings, payloads: objects)
        collection.close()
        StandardError.log("added \(report.applied) points to \(directory) (batch \(report.sequence)\(report.calibrated ? ", ranges computed from it" : "")) in \(seconds(since: start))")
    }
}
