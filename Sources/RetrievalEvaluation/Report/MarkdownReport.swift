extension QuantizationReport {
    /// The report as a GitHub-flavoured Markdown table, preceded by a one-line heading naming
    /// the dataset, model and baseline, for printing on stdout.
    ///
    /// Numeric columns are right-aligned; `|` in a name is escaped as `\|` and line breaks
    /// become spaces, so a name cannot break the table.
    public func markdown() -> String {
        let table = ReportTable(self)
        var lines = [
            "Retrieval quality by precision — dataset \(Self.markdownCell(dataset)), model \(Self.markdownCell(model)); "
                + "retention, compression and speed-up relative to \(Self.markdownCell(baselineName)).",
            "",
        ]
        lines.append("| " + ReportTable.columns.map(\.title).joined(separator: " | ") + " |")
        lines.append("|" + ReportTable.columns.map { $0.isNumeric ? "---:" : ":---" }.joined(separator: "|") + "|")
        for row in table.rows {
            lines.append("| " + row.map(Self.markdownCell).joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` made safe inside a Markdown table cell.
    static func markdownCell(_ text: String) -> String {
        var cell = ""
        for character in text {
            switch character {
            case "|": cell += "\\|"
            case "\n", "\r", "\r\n": cell += " "
            default: cell.append(character)
            }
        }
        return cell
    }
}
