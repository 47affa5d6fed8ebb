import EmbedQTestSupport
import Foundation
import QuantizationEvaluation
import RetrievalEvaluation
import SentenceEncoder
import XCTest

/// The shared test-support types, visible to every file of this target.
typealias SharedData = EmbedQTestSupport.SharedData
typealias SeededGenerator = EmbedQTestSupport.SeededGenerator

/// The shared SciFact copy and default model (`$EMBEDQ_SHARED`, else `../shared` beside the
/// repository), or a skip (a failure in CI).
enum SharedSciFact {
    static var sharedFolder: URL { SharedData.folder }

    static func dataset() throws -> BEIRDataset {
        let folder = try SharedData.file("datasets/scifact/corpus.jsonl").deletingLastPathComponent()
        return try BEIRDataset.load(from: folder, split: "test")
    }

    static func encoder() throws -> SentenceEncoder {
        let folder = try SharedData.file("models/all-MiniLM-L6-v2/config.json").deletingLastPathComponent()
        return try SentenceEncoder(folder: folder)
    }
}
