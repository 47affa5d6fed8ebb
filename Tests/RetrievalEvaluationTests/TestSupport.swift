import EmbedQTestSupport
import Foundation
import XCTest

/// The shared-data locator, visible to every file of this target.
typealias SharedData = EmbedQTestSupport.SharedData

/// Locations and scratch folders for the evaluation tests.
enum TestSupport {
    /// The folder of shared data: `$EMBEDQ_SHARED`, else `../shared` beside the package root.
    static var sharedFolder: URL { SharedData.folder }

    /// The package root.
    static var packageRoot: URL { SharedData.packageRoot }

    /// A file under `Tests/Fixtures/evaluation`.
    static func fixture(_ name: String) -> URL {
        packageRoot.appendingPathComponent("Tests/Fixtures/evaluation").appendingPathComponent(name)
    }

    /// A fresh empty folder under the temporary directory; removed when the test ends.
    static func temporaryFolder(for testCase: XCTestCase) throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("embedq-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        testCase.addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }

    /// Writes a BEIR folder with the given file contents (`nil` leaves a file out).
    static func writeDataset(
        in folder: URL, corpus: String?, queries: String?, qrels: String?, split: String = "test"
    ) throws {
        if let corpus { try Data(corpus.utf8).write(to: folder.appendingPathComponent("corpus.jsonl")) }
        if let queries { try Data(queries.utf8).write(to: folder.appendingPathComponent("queries.jsonl")) }
        if let qrels {
            let qrelsFolder = folder.appendingPathComponent("qrels")
            try FileManager.default.createDirectory(at: qrelsFolder, withIntermediateDirectories: true)
            try Data(qrels.utf8).write(to: qrelsFolder.appendingPathComponent("\(split).tsv"))
        }
    }
}
