import EmbedQTestSupport
import EmbeddingSearch

/// The exact oracle of asymmetric search and rescoring: ``PlainAsymmetricReference``'s
/// double-precision scores from the raw codes and ranges of a ``StoredCodes`` (nothing of
/// ``AsymmetricScorer``), judged by ``TopKOracle``.
public enum PlainScoreOracle {
    /// What is wrong with `hits` as the best `k` of `rows` of `codes` for `query` (higher score
    /// first): empty when nothing is.
    public static func problems(_ hits: [SearchHit], codes: StoredCodes, query: [Float], rows: [Int], k: Int) -> [String] {
        guard let encoding = PlainAsymmetricReference.Encoding(rawValue: codes.precision.rawValue) else {
            return ["no plain reference for \(codes.precision)"]
        }
        let ranges = codes.ranges.map {
            PlainAsymmetricReference.Ranges(minimums: $0.minimums, maximums: $0.maximums, floor: codes.rounding == .floor)
        }
        let width = codes.bytesPerVector
        let rowBytes = codes.bytes.withUnsafeBytes { all in
            (0..<codes.rowCount).map { Array(all[($0 * width)..<(($0 + 1) * width)]) }
        }
        return TopKOracle.problems(
            hits: hits.map { ($0.row, $0.score) }, candidates: rows, k: k,
            reference: { PlainAsymmetricReference.score(query: query, row: rowBytes[$0], encoding: encoding, ranges: ranges) },
            bound: { PlainAsymmetricReference.roundingBound(query: query, row: rowBytes[$0], encoding: encoding, ranges: ranges) })
    }
}
