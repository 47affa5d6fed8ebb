import Foundation
import QuantizationEvaluation
import RetrievalEvaluation
import SentenceEncoder
import XCTest

/// The shared SciFact copy and default model (`$EMBEDQ_SHARED`, else `../shared` beside the
/// repository), or a skip.
enum SharedSciFact {
    static var sharedFolder: URL {
        if let path = ProcessInfo.processInfo.environment["EMBEDQ_SHARED"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared")
    }

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
