import EmbedQTestSupport
import Foundation
import QuantizationEvaluation
import RetrievalEvaluation
import SentenceEncoder
import XCTest

/// The shared SciFact copy and default model (`$EMBEDQ_SHARED`, else `../shared` beside the
/// repository), or a skip.
enum SharedSciFact {
    static var sharedFolder: URL { SharedData.folder }

    static func dataset() throws -> BEIRDataset {
        let folder = sharedFolder.appendingPathComponent("datasets/scifact")
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("corpus.jsonl").path) else {
            throw XCTSkip("no SciFact at \(folder.path)")
        }
        return try BEIRDataset.load(from: folder, split: "test")
    }

    static func encoder() throws -> SentenceEncoder {
        let folder = sharedFolder.appendingPathComponent("models/all-MiniLM-L6-v2")
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("config.json").path) else {
            throw XCTSkip("no all-MiniLM-L6-v2 at \(folder.path)")
        }
        return try SentenceEncoder(folder: folder)
    }
}
