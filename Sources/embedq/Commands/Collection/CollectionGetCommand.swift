import ArgumentParser
import EmbedQ

/// `embedq collection get DIR (--ids IDS.txt | ID…) [--json]`.
struct CollectionGetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Print points by id: one line per id, {\"id\", \"found\", \"payload\"} with --json.")

    @Argument(help: "The collection directory.")
    var directory: String

    @Argument(help: "Ids to look up.")
    var pointIDs: [String] = []

    @Option(name: .long, help: "A file of ids, one per line.")
    var ids: String?

    @Flag(name: .long, help: "One JSON object per line.")
    var json = false

    func validate() throws {
        guard ids != nil || !pointIDs.isEmpty else { throw ValidationError("give the ids as arguments or with --ids FILE") }
    }

    struct Line: Encodable {
        var id: String
        var found: Bool
        var payload: Payload?
    }

    func run() throws {
        var requested = pointIDs
        if let ids { requested += try IndexInput.ids(ids) }
        let collection = try VectorCollection(opening: directory, writable: false)
        for point in try collection.snapshot().get(requested) {
            if json {
                try JSONOutput.printLine(Line(id: point.id, found: point.found, payload: point.payload))
            } else {
                print("\(point.id)\t\(point.found ? point.payload?.jsonText ?? "{}" : "not found")")
            }
        }
    }
}
