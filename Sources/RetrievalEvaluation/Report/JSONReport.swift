extension QuantizationReport {
    /// The report as one JSON object, keys in this order:
    ///
    /// ```json
    /// {"dataset": "scifact", "model": "all-MiniLM-L6-v2", "results": [
    ///   {"name": "float32", "ndcg@10": 0.6451, "recall@10": 0.7923, "recall@100": 0.925,
    ///    "mrr@10": 0.6112, "bytes_per_vector": 1536, "ms_per_query": 2.31}, …]}
    /// ```
    ///
    /// Metrics are fractions; numbers are written in the shortest form that reads back to the
    /// same `Double` (integral values without a decimal point). One result per line.
    public func json() -> String {
        let rows = results.map { result in
            "    {" + [
                "\"name\": " + JSONText.string(result.name),
                "\"ndcg@10\": " + JSONText.number(result.ndcgAt10),
                "\"recall@10\": " + JSONText.number(result.recallAt10),
                "\"recall@100\": " + JSONText.number(result.recallAt100),
                "\"mrr@10\": " + JSONText.number(result.mrrAt10),
                "\"bytes_per_vector\": " + JSONText.number(result.bytesPerVector),
                "\"ms_per_query\": " + JSONText.number(result.millisecondsPerQuery),
            ].joined(separator: ", ") + "}"
        }
        return "{\n  \"dataset\": \(JSONText.string(dataset)),\n  \"model\": \(JSONText.string(model)),\n"
            + "  \"results\": [\n" + rows.joined(separator: ",\n") + "\n  ]\n}\n"
    }
}

/// JSON literals (RFC 8259) for the report's writer, which keeps keys in a fixed order.
enum JSONText {
    /// `text` as a JSON string: quotes, backslashes and control characters escaped.
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A finite `value` as a JSON number: integral values below 2^53 without a decimal point,
    /// others in Swift's shortest round-trip form (`0.6451`, `1e-05`).
    static func number(_ value: Double) -> String {
        precondition(value.isFinite, "JSON has no NaN or infinity; reports validate their values")
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        return "\(value)"
    }
}
