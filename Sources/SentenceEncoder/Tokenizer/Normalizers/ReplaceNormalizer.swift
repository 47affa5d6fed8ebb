/// Replaces every match of a literal string or a regular expression, left to right and without
/// overlaps, by a fixed string (`Replace`).
struct ReplaceNormalizer: Normalizer {
    /// What is searched for.
    var pattern: TextPattern
    /// What each match becomes.
    var content: [Unicode.Scalar]

    func normalize(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        let matches = pattern.matches(in: scalars)
        guard !matches.isEmpty else { return scalars }
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(scalars.count)
        var previous = 0
        for match in matches where match.lowerBound >= previous {
            result.append(contentsOf: scalars[previous..<match.lowerBound])
            result.append(contentsOf: content)
            previous = match.upperBound
        }
        result.append(contentsOf: scalars[previous...])
        return result
    }
}
