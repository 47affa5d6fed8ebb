/// A scatter chart rendered as a standalone inline SVG element: one labelled point per entry,
/// axis ticks and titles, light grid lines and an optional dashed reference line.
///
/// Labels are placed around their points so that they overlap as little as possible (see
/// `LabelPlacement`); a label moved away from its point gets a thin leader line.
public struct SVGScatterChart: Sendable {
    /// One point and its label.
    public struct Point: Sendable, Equatable {
        /// The text drawn beside the point.
        public var label: String
        /// The x value, in data units.
        public var x: Double
        /// The y value, in data units.
        public var y: Double

        /// Creates a point.
        public init(label: String, x: Double, y: Double) {
            self.label = label
            self.x = x
            self.y = y
        }
    }

    /// The chart's heading, drawn above the plot.
    public var title: String
    /// The x axis title.
    public var xTitle: String
    /// The y axis title.
    public var yTitle: String
    /// The x axis spacing.
    public var xScale: AxisScale.Kind
    /// The points, drawn and labelled in order.
    public var points: [Point]
    /// A y value marked by a dashed horizontal line (e.g. 100 % retention), or `nil`.
    public var referenceY: Double?
    /// The text beside the reference line.
    public var referenceLabel: String
    /// The SVG's width in pixels.
    public var width: Double
    /// The SVG's height in pixels.
    public var height: Double

    /// Creates a chart; x uses `xScale`, y is linear.
    public init(
        title: String, xTitle: String, yTitle: String, xScale: AxisScale.Kind, points: [Point],
        referenceY: Double? = nil, referenceLabel: String = "", width: Double = 960, height: Double = 440
    ) {
        self.title = title
        self.xTitle = xTitle
        self.yTitle = yTitle
        self.xScale = xScale
        self.points = points
        self.referenceY = referenceY
        self.referenceLabel = referenceLabel
        self.width = width
        self.height = height
    }

    /// Colours for the points and their labels, dark enough to read as text on white.
    static let palette = [
        "#1f5fa8", "#c0392b", "#2e8b57", "#8e44ad", "#b9770e", "#117a8b",
        "#7f5539", "#c2185b", "#34495e", "#6b8e23", "#d35400", "#5d6d7e",
    ]

    /// The chart as an `<svg>` element (no external references).
    public func svg() -> String {
        let fontSize = 12.0
        let left = 72.0, right = 28.0, top = 44.0, bottom = 58.0
        let plot = LabelPlacement.Box(minX: left, minY: top, maxX: width - right, maxY: height - bottom)
        let xAxis = AxisScale(fitting: points.map(\.x), kind: xScale)
        let yAxis = AxisScale(fitting: points.map(\.y) + (referenceY.map { [$0] } ?? []), kind: .linear)
        func px(_ x: Double) -> Double { xAxis.position(of: x, from: plot.minX, to: plot.maxX) }
        func py(_ y: Double) -> Double { yAxis.position(of: y, from: plot.maxY, to: plot.minY) }
        let esc = MarkupEscaping.escape

        var svg: [String] = []
        svg.append(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(f(width)) \(f(height))\" "
                + "width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\" aria-label=\"\(esc(title))\" "
                + "font-family=\"system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif\" font-size=\"\(f(fontSize))\">")
        svg.append("<rect x=\"0\" y=\"0\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"#ffffff\"/>")
        svg.append("<text x=\"\(f(left))\" y=\"24\" font-size=\"15\" font-weight=\"600\" fill=\"#222\">\(esc(title))</text>")

        // Grid and ticks.
        for tick in xAxis.ticks {
            let x = px(tick)
            svg.append(line(x, plot.minY, x, plot.maxY, stroke: "#e6e6e6"))
            svg.append(line(x, plot.maxY, x, plot.maxY + 5, stroke: "#555"))
            svg.append(text(x, plot.maxY + 19, NumberFormatting.compact(tick), anchor: "middle", fill: "#444"))
        }
        for tick in yAxis.ticks {
            let y = py(tick)
            svg.append(line(plot.minX, y, plot.maxX, y, stroke: "#e6e6e6"))
            svg.append(line(plot.minX - 5, y, plot.minX, y, stroke: "#555"))
            svg.append(text(plot.minX - 8, y + 4, NumberFormatting.compact(tick), anchor: "end", fill: "#444"))
        }
        svg.append(
            "<rect x=\"\(f(plot.minX))\" y=\"\(f(plot.minY))\" width=\"\(f(plot.maxX - plot.minX))\" "
                + "height=\"\(f(plot.maxY - plot.minY))\" fill=\"none\" stroke=\"#555\"/>")
        svg.append(text((plot.minX + plot.maxX) / 2, height - 14, xTitle, anchor: "middle", fill: "#222", weight: "600"))
        let yTitleX = 18.0, yTitleY = (plot.minY + plot.maxY) / 2
        svg.append(
            "<text x=\"\(f(yTitleX))\" y=\"\(f(yTitleY))\" text-anchor=\"middle\" fill=\"#222\" font-weight=\"600\" "
                + "transform=\"rotate(-90 \(f(yTitleX)) \(f(yTitleY)))\">\(esc(yTitle))</text>")

        var obstacles: [LabelPlacement.Box] = []
        if let referenceY {
            let y = py(referenceY)
            svg.append(line(plot.minX, y, plot.maxX, y, stroke: "#888", dash: true))
            if !referenceLabel.isEmpty {
                let labelWidth = LabelPlacement.estimatedWidth(of: referenceLabel, fontSize: 11)
                obstacles.append(LabelPlacement.Box(minX: plot.maxX - 6 - labelWidth, minY: y - 15, maxX: plot.maxX - 6, maxY: y - 2))
                svg.append(text(plot.maxX - 6, y - 5, referenceLabel, anchor: "end", fill: "#666", size: 11))
            }
        }

        // Points first, labels on top.
        let positions = points.map { (x: px($0.x), y: py($0.y)) }
        let placements = LabelPlacement.place(
            points: positions, labels: points.map(\.label),
            bounds: LabelPlacement.Box(minX: plot.minX + 2, minY: plot.minY + 2, maxX: plot.maxX - 2, maxY: plot.maxY - 2),
            fontSize: fontSize, markerRadius: 6, obstacles: obstacles)
        for (index, position) in positions.enumerated() {
            let color = Self.palette[index % Self.palette.count]
            svg.append(
                "<circle cx=\"\(f(position.x))\" cy=\"\(f(position.y))\" r=\"5\" fill=\"\(color)\" "
                    + "stroke=\"#fff\" stroke-width=\"1.5\"><title>\(esc(points[index].label)): "
                    + "\(NumberFormatting.compact(points[index].x)), \(NumberFormatting.compact(points[index].y, maximumDecimals: 2))"
                    + "</title></circle>")
        }
        for (index, placement) in placements.enumerated() {
            let color = Self.palette[index % Self.palette.count]
            if placement.needsLeader {
                let box = placement.box
                let targetX = min(max(positions[index].x, box.minX), box.maxX)
                let targetY = min(max(positions[index].y, box.minY), box.maxY)
                svg.append(line(positions[index].x, positions[index].y, targetX, targetY, stroke: color, width: 0.8))
            }
            svg.append(
                "<text x=\"\(f(placement.x))\" y=\"\(f(placement.y))\" text-anchor=\"\(placement.anchor)\" fill=\"\(color)\" "
                    + "paint-order=\"stroke\" stroke=\"#fff\" stroke-width=\"3\" stroke-linejoin=\"round\">"
                    + "\(esc(points[index].label))</text>")
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n")
    }

    private func f(_ value: Double) -> String { NumberFormatting.compact(value, maximumDecimals: 1) }

    private func line(
        _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1, dash: Bool = false
    ) -> String {
        "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(f(width))\""
            + (dash ? " stroke-dasharray=\"6 4\"" : "") + "/>"
    }

    private func text(
        _ x: Double, _ y: Double, _ content: String, anchor: String, fill: String, weight: String? = nil, size: Double? = nil
    ) -> String {
        "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\" fill=\"\(fill)\""
            + (weight.map { " font-weight=\"\($0)\"" } ?? "") + (size.map { " font-size=\"\(f($0))\"" } ?? "")
            + ">\(MarkupEscaping.escape(content))</text>"
    }
}
