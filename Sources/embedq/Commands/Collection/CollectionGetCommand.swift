import ArgumentParser
import EmbedQ
import Foundation

/// `embedq collection get DIR (--ids IDS.txt | ID…) [--json] [--codes]`.
struct CollectionGetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Print points by id: one line per id, {\"id\", \"found\", \"payload\"} with --json.",
        discussion: """
            --codes adds each point's stored codes, base64: "codes" (the fast precision) and \
            "rescoring" (the finer codes, empty without them); without --json they follow the \
            payload, tab-separated. Two collections whose points hold equal codes answer every \
            search alike.
            """)

    @Argument(help: "The collection directory.")
    var directory: String

    @Argument(help: "Ids to look up.")
    var pointIDs: [String] = []

    @Option(name: .long, help: "A file of ids, one per line.")
    var ids: String?

    @Flag(name: .long, help: "One JSON object per line.")
    var json = false

    @Flag(name: .long, help: "Add the stored codes (base64) of each point.")
    var codes = false

    func validate() throws {
        guard ids != nil || !pointIDs.isEmpty else { throw ValidationError("give the ids as arguments or with --ids FILE") }
    }

    struct Line: Encodable {
        var id: String
        var found: Bool
        var payload: Payload?
        var codes: String?
        var rescoring: String?
    }

    func run() throws {
        var requested = pointIDs
        if let ids { requested += try IndexInput.ids(ids) }
        let snapshot = try VectorCollection(opening: directory, writable: false).snapshot()
        let stored = codes ? snapshot.codes(requested) : []
        for (index, point) in try snapshot.get(requested).enumerated() {
            let fast = stored.isEmpty ? nil : stored[index].map { Data($0.fast).base64EncodedString() }
            let finer = stored.isEmpty ? nil : stored[index].map { Data($0.rescoring).base64EncodedString() }
            if json {
                try JSONOutput.printLine(Line(id: point.id, found: point.found, payload: point.payload, codes: fast, rescoring: finer))
            } else {
                let extra = fast.map { "\t\($0)\t\(finer ?? "")" } ?? ""
                print("\(point.id)\t\(point.found ? point.payload?.jsonText ?? "{}" : "not found")\(extra)")
            }
        }
    }
}
