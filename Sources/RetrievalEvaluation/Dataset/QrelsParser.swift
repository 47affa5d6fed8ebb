import Foundation

/// Parses BEIR qrels files (`qrels/<split>.tsv`): an optional header line, then one
/// `query-id<TAB>corpus-id<TAB>score` line per judgment, with an integer graded score.
///
/// CRLF line ends and blank lines are tolerated. The first line is taken as a header when its
/// third field is not an integer (BEIR's loader always skips the first line; a header-less file
/// therefore keeps its first judgment here instead of losing it). A pair judged twice keeps the
/// later grade, as BEIR's dictionary does.
public enum QrelsParser {
    /// Parses the qrels file at `url`.
    public static func parse(contentsOf url: URL) throws(DatasetError) -> RelevanceJudgments {
        try parseWithLineNumbers(contentsOf: url).judgments
    }

    /// Parses the qrels file at `url`, also returning the line where each query is first judged.
    static func parseWithLineNumbers(
        contentsOf url: URL
    ) throws(DatasetError) -> (judgments: RelevanceJudgments, firstLines: [String: Int]) {
        let lines = try TextLines(contentsOf: url)
        var judgments = RelevanceJudgments()
        var firstLines: [String: Int] = [:]
        var isFirstLine = true
        try lines.forEachLine { (bytes: Data, number: Int) throws(DatasetError) in
            guard let line = String(data: bytes, encoding: .utf8) else {
                throw .malformedQrels(path: lines.path, line: number, reason: "not valid UTF-8")
            }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            let grade = fields.count == 3 ? Int(fields[2].trimmingCharacters(in: .whitespaces)) : nil
            defer { isFirstLine = false }
            if isFirstLine && grade == nil { return }  // the header line
            guard fields.count == 3 else {
                throw .malformedQrels(
                    path: lines.path, line: number,
                    reason: "expected 3 tab-separated fields (query-id, corpus-id, score), found \(fields.count)")
            }
            guard let grade else {
                throw .malformedQrels(
                    path: lines.path, line: number, reason: "score '\(fields[2])' is not an integer")
            }
            guard !fields[0].isEmpty, !fields[1].isEmpty else {
                throw .malformedQrels(path: lines.path, line: number, reason: "empty query-id or corpus-id")
            }
            let queryID = String(fields[0])
            if firstLines[queryID] == nil { firstLines[queryID] = number }
            judgments.setGrade(grade, queryID: queryID, documentID: String(fields[1]))
        }
        return (judgments, firstLines)
    }
}
