extension QuantizationReport {
    /// The report as one self-contained HTML page: the table and two SVG scatter charts —
    /// retention vs bytes per vector (logarithmic x axis, powers of two) and retention vs
    /// milliseconds per query (logarithmic when the times span 8× or more, else linear) — with
    /// one labelled point per row. Inline CSS and SVG only: no scripts, fonts, images or links,
    /// so it renders offline.
    public func html() -> String {
        let esc = MarkupEscaping.escape
        let table = ReportTable(self)
        let retained = results.map { retentionPercent(of: $0) ?? 0 }
        let bytesChart = SVGScatterChart(
            title: "Retention vs memory",
            xTitle: "Bytes per vector (log scale)",
            yTitle: "Retention of \(baselineName) NDCG@10 (%)",
            xScale: .logarithmic(base: 2),
            points: zip(results, retained).map { .init(label: $0.name, x: $0.bytesPerVector, y: $1) },
            referenceY: 100, referenceLabel: "\(baselineName) = 100 %")
        let times = results.map(\.millisecondsPerQuery)
        let timesSpread = (times.min() ?? 0) > 0 && (times.max() ?? 0) / (times.min() ?? 1) >= 8
        let speedChart = SVGScatterChart(
            title: "Retention vs search time",
            xTitle: "Milliseconds per query" + (timesSpread ? " (log scale)" : ""),
            yTitle: "Retention of \(baselineName) NDCG@10 (%)",
            xScale: timesSpread ? .logarithmic(base: 10) : .linear,
            points: zip(results, retained).map { .init(label: $0.name, x: $0.millisecondsPerQuery, y: $1) },
            referenceY: 100, referenceLabel: "\(baselineName) = 100 %")

        var html: [String] = []
        html.append("<!DOCTYPE html>")
        html.append("<html lang=\"en\">")
        html.append("<head>")
        html.append("<meta charset=\"utf-8\">")
        html.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        html.append("<title>Quantization report: \(esc(dataset)) · \(esc(model))</title>")
        html.append("<style>\n\(Self.styleSheet)</style>")
        html.append("</head>")
        html.append("<body>")
        html.append("<h1>Quantization report</h1>")
        html.append(
            "<p class=\"meta\">Dataset <strong>\(esc(dataset))</strong> · model <strong>\(esc(model))</strong> · "
                + "baseline <strong>\(esc(baselineName))</strong> (NDCG@10 \(NumberFormatting.percent(baseline.ndcgAt10)))</p>")
        html.append("<table>")
        html.append("<thead><tr>" + ReportTable.columns.map { "<th class=\"\($0.isNumeric ? "num" : "name")\">\(esc($0.title))</th>" }.joined() + "</tr></thead>")
        html.append("<tbody>")
        for (result, row) in zip(results, table.rows) {
            let rowClass = result.name == baselineName ? " class=\"baseline\"" : ""
            let cells = zip(ReportTable.columns, row).map { column, cell in
                "<td class=\"\(column.isNumeric ? "num" : "name")\">\(esc(cell))</td>"
            }
            html.append("<tr\(rowClass)>" + cells.joined() + "</tr>")
        }
        html.append("</tbody>")
        html.append("</table>")
        html.append(
            "<p class=\"note\">Metrics in percent, averaged over the judged queries. Retention = NDCG@10 ÷ the baseline's; "
                + "compression = the baseline's bytes per vector ÷ the row's; speed-up = the baseline's time per query ÷ the row's.</p>")
        html.append("<figure>\n\(bytesChart.svg())\n</figure>")
        html.append("<figure>\n\(speedChart.svg())\n</figure>")
        html.append("</body>")
        html.append("</html>")
        return html.joined(separator: "\n") + "\n"
    }

    /// The page's inline CSS.
    static let styleSheet = """
        body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222;
               margin: 24px auto; max-width: 1000px; padding: 0 16px; line-height: 1.4; }
        h1 { font-size: 22px; margin: 0 0 4px; }
        .meta { color: #555; margin: 0 0 16px; }
        table { border-collapse: collapse; width: 100%; font-size: 13px; font-variant-numeric: tabular-nums; }
        th, td { padding: 5px 8px; border-bottom: 1px solid #e3e3e3; }
        th { background: #f4f5f7; border-bottom: 2px solid #ccc; white-space: nowrap; }
        td.name, th.name { text-align: left; white-space: nowrap; }
        td.num, th.num { text-align: right; }
        tbody tr:nth-child(even) { background: #fafafa; }
        tr.baseline td { font-weight: 600; background: #eef4fb; }
        .note { color: #555; font-size: 12px; margin: 8px 0 20px; }
        figure { margin: 0 0 20px; }
        svg.chart { display: block; width: 100%; height: auto; border: 1px solid #e3e3e3; }

        """
}
