import EmbedQ
import Foundation

/// The sample texts and labels the demo runs on (`examples/demo`): sentences, queries with the
/// 0-based indexes of their relevant sentences, and precomputed embeddings used only when no
/// model is available.
struct DemoSample {
    var sentences: [String]
    var queries: [String]
    /// 0-based indexes of the relevant sentences, one list per query.
    var relevant: [[Int]]
    let directory: String

    init(directory: String) throws {
        self.directory = directory
        func read(_ name: String) throws -> String {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw CommandFailure("cannot read \(path); run from the repository root or pass --data-directory")
            }
            return text
        }
        sentences = try read("sentences.txt").split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        queries = []
        relevant = []
        for line in try read("queries.tsv").split(separator: "\n").dropFirst() where !line.isEmpty {
            let fields = line.split(separator: "\t")
            guard fields.count == 2 else { throw CommandFailure("queries.tsv: malformed line '\(line)'") }
            queries.append(String(fields[0]))
            relevant.append(fields[1].split(separator: ",").compactMap { Int($0).map { $0 - 1 } })
        }
    }

    /// The precomputed all-MiniLM-L6-v2 embeddings of the sentences and the queries.
    func precomputedEmbeddings() throws -> (sentences: EmbeddingMatrix, queries: EmbeddingMatrix) {
        let folder = directory as NSString
        let sentenceEmbeddings = try EmbeddingMatrix(contentsOfNPY: folder.appendingPathComponent("sentence-embeddings.npy"))
        let queryEmbeddings = try EmbeddingMatrix(contentsOfNPY: folder.appendingPathComponent("query-embeddings.npy"))
        guard sentenceEmbeddings.rowCount == sentences.count, queryEmbeddings.rowCount == queries.count else {
            throw CommandFailure("the embeddings in \(directory) do not match its texts")
        }
        return (sentenceEmbeddings, queryEmbeddings)
    }

    /// The labels as relevance judgments: query `q<i>` → sentence `s<j>` (1-based), grade 1.
    var judgments: RelevanceJudgments {
        var grades: [String: [String: Int]] = [:]
        for (index, rows) in relevant.enumerated() {
            grades["q\(index + 1)"] = Dictionary(uniqueKeysWithValues: rows.map { ("s\($0 + 1)", 1) })
        }
        return RelevanceJudgments(grades)
    }
}
