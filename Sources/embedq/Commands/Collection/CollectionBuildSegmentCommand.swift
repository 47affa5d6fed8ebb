import ArgumentParser
import EmbedQ
import Foundation

/// `embedq collection build-segment DIR (--vectors X.npy --ids IDS.txt [--payloads P.jsonl] | --stream) --output SEG`.
struct CollectionBuildSegmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build-segment",
        abstract: "Write a segment file for a collection's settings, without changing the collection (see attach).",
        discussion: """
            The segment takes the collection's dimension, precisions and ranges (a collection whose \
            precision needs ranges must have them: created with --ranges, or after a first batch).

            --stream reads JSON lines {"id": STRING|INTEGER, "text": STRING[, "payload": {…}]} from \
            standard input and encodes the texts with the collection's recorded model (--model names \
            another copy of it; a model with another fingerprint is refused), exactly as `collection \
            add --texts` does, in batches of --batch-size. A bad line gets {"id", "error": "line N: …"} \
            on standard output and is skipped; an id given twice keeps its last line. When the input \
            ends the segment is written and one line {"segment", "count", "lines", "errors", \
            "replaced"} ends standard output. Exit status: 0 when every line was taken, 2 when the \
            segment was written without the bad lines, 1 when no segment was written. Progress goes \
            to standard error.
            """)

    @Argument(help: "The collection whose settings (dimension, precisions, ranges, model) the segment takes.")
    var directory: String

    @Option(name: .long, help: "Float embeddings .npy (n × d).")
    var vectors: String?

    @Option(name: .long, help: "Ids, one per line (n lines, none twice).")
    var ids: String?

    @Option(name: .long, help: "Payloads, one JSON object per line (n lines).")
    var payloads: String?

    @Flag(name: .long, help: "Read {\"id\", \"text\"[, \"payload\"]} JSON lines from standard input and encode them with the collection's model.")
    var stream = false

    @Option(name: .long, help: "With --stream: the model folder or hub id to encode with (default: the recorded one; refused unless it is the same model).")
    var model: String?

    @Option(name: .long, help: "With --stream: texts per batch.")
    var batchSize: Int = 32

    @Option(name: .long, help: "With --stream: encoder threads (default: all active processors).")
    var threads: Int?

    @Option(name: .long, help: "The segment file to write.")
    var output: String

    func validate() throws {
        if stream {
            guard vectors == nil, ids == nil, payloads == nil else {
                throw ValidationError("--stream reads ids, texts and payloads from standard input: no --vectors, --ids or --payloads")
            }
            guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
            if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        } else {
            guard vectors != nil, ids != nil else { throw ValidationError("give --vectors X.npy and --ids IDS.txt, or --stream") }
            guard model == nil, threads == nil else { throw ValidationError("--model and --threads apply to --stream") }
        }
    }

    func run() throws {
        let configuration = try VectorCollection(opening: directory, writable: false).configuration
        if stream { return try runStream(configuration) }
        guard let vectors, let ids else { return }
        let pointIDs = try IndexInput.ids(ids)
        let embeddings = try EmbeddingMatrix(contentsOfNPY: vectors)
        try IndexInput.checkCount(ids: pointIDs, idsPath: ids, rows: embeddings.rowCount, corpusPath: vectors)
        let objects = try payloads.map { try CollectionInput.payloads($0) }
        try VectorCollection.buildSegment(for: configuration, ids: pointIDs, vectors: embeddings, payloads: objects, to: output)
        StandardError.log("wrote segment \(output): \(pointIDs.count) points")
    }

    /// The one line that ends standard output in stream mode.
    struct Report: Encodable {
        var segment: String
        var count: Int
        var lines: Int
        var errors: Int
        var replaced: Int
    }

    /// `--stream`: standard input to one segment file, through the library's ``SegmentStream``.
    func runStream(_ configuration: CollectionConfiguration) throws {
        let start = Date()
        let encoder = try CollectionText.encoder(recorded: configuration.model, given: model, directory: directory, threads: threads)
        let settings = try StreamEncoder(encoder: encoder, batchSize: batchSize)
        StandardError.log(String(format: "build-segment: model %@ loaded and checked in %.2f s; reading JSON lines",
                                 encoder.folder.path, Date().timeIntervalSince(start)))
        var lastReport = Date()
        let summary = try SegmentStream.build(settings, for: configuration, input: STDIN_FILENO, errors: STDOUT_FILENO, to: output) { totals in
            guard Date().timeIntervalSince(lastReport) >= 10 else { return }
            lastReport = Date()
            StandardError.log(String(format: "build-segment: %d lines, %d points, %d errors, %.1f s",
                                     totals.lines, totals.points, totals.errors, Date().timeIntervalSince(start)))
        }
        FileHandle.standardOutput.write(try JSONOutput.line(Report(
            segment: output, count: summary.points, lines: summary.lines, errors: summary.errors, replaced: summary.replaced)))
        let seconds = Date().timeIntervalSince(start)
        StandardError.log(String(format: "wrote segment %@: %d points from %d lines (%d errors, %d replaced by a later line) in %.3f s, %.2f lines/s",
                                 output, summary.points, summary.lines, summary.errors, summary.replaced, seconds,
                                 seconds > 0 ? Double(summary.lines) / seconds : 0))
        if !summary.tookEveryLine {
            StandardError.warn("\(summary.errors) of \(summary.lines) lines were skipped (their error lines are on standard output)")
            Foundation.exit(2)
        }
    }
}
