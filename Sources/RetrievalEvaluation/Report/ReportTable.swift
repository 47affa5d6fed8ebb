/// The report as a table of display strings, shared by the Markdown and HTML renderers.
///
/// Columns: precision, NDCG@10, Recall@10, Recall@100, MRR@10 (percentages), retention of the
/// baseline's NDCG@10 (%), bytes per vector, compression (×), ms per query, speed-up (×).
/// Undefined values (retention against a zero baseline, speed-up with a zero time) show as `–`.
public struct ReportTable: Sendable {
    /// One column: its header and whether its cells are numbers (right-aligned).
    public struct Column: Sendable, Equatable {
        /// The header text.
        public let title: String
        /// Whether the cells are numeric and should be right-aligned.
        public let isNumeric: Bool
    }

    /// The columns, left to right.
    public static let columns: [Column] = [
        Column(title: "Precision", isNumeric: false),
        Column(title: "NDCG@10", isNumeric: true),
        Column(title: "Recall@10", isNumeric: true),
        Column(title: "Recall@100", isNumeric: true),
        Column(title: "MRR@10", isNumeric: true),
        Column(title: "Retention %", isNumeric: true),
        Column(title: "Bytes/vector", isNumeric: true),
        Column(title: "Compression", isNumeric: true),
        Column(title: "ms/query", isNumeric: true),
        Column(title: "Speed-up", isNumeric: true),
    ]

    /// One row of cells per result, in the report's order; each row has `columns.count` cells.
    public let rows: [[String]]

    /// Formats the rows of `report`.
    public init(_ report: QuantizationReport) {
        rows = report.results.map { result in
            [
                result.name,
                NumberFormatting.percent(result.ndcgAt10),
                NumberFormatting.percent(result.recallAt10),
                NumberFormatting.percent(result.recallAt100),
                NumberFormatting.percent(result.mrrAt10),
                report.retentionPercent(of: result).map { NumberFormatting.fixed($0, decimals: 2) } ?? "–",
                NumberFormatting.compact(result.bytesPerVector, maximumDecimals: 2),
                NumberFormatting.ratio(report.compression(of: result)),
                NumberFormatting.milliseconds(result.millisecondsPerQuery),
                report.speedUp(of: result).map(NumberFormatting.ratio) ?? "–",
            ]
        }
    }
}
