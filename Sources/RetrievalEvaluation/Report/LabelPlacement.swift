/// Places point labels on a chart so that they overlap each other, the points and the plot's
/// edges as little as possible (greedy: each label takes the least-covered of a fixed list of
/// positions around its point, trying near positions before far ones).
struct LabelPlacement {
    /// An axis-aligned rectangle in pixels.
    struct Box: Equatable {
        var minX, minY, maxX, maxY: Double

        func overlapArea(with other: Box) -> Double {
            let width = min(maxX, other.maxX) - max(minX, other.minX)
            let height = min(maxY, other.maxY) - max(minY, other.minY)
            return width > 0 && height > 0 ? width * height : 0
        }

        /// The area of `self` outside `bounds`.
        func areaOutside(_ bounds: Box) -> Double {
            (maxX - minX) * (maxY - minY) - overlapArea(with: bounds)
        }
    }

    /// Where a label went: its text anchor point, SVG `text-anchor`, and its box.
    struct Placement: Equatable {
        var x: Double
        var y: Double
        var anchor: String
        var box: Box
        /// Whether the label sits far enough from its point to need a leader line.
        var needsLeader: Bool
    }

    /// The estimated width of `text` in a sans-serif font of `fontSize` pixels.
    static func estimatedWidth(of text: String, fontSize: Double) -> Double {
        Double(text.count) * fontSize * 0.58 + 2
    }

    /// Places one label per point, in the given order.
    ///
    /// - Parameters:
    ///   - points: the points' pixel positions.
    ///   - labels: one text per point.
    ///   - bounds: the area labels should stay inside.
    ///   - fontSize: the label font size in pixels.
    ///   - markerRadius: the radius around each point that labels should keep clear of.
    ///   - obstacles: other text already drawn (e.g. a reference line's label) to keep clear of.
    static func place(
        points: [(x: Double, y: Double)], labels: [String], bounds: Box, fontSize: Double, markerRadius: Double,
        obstacles: [Box] = []
    ) -> [Placement] {
        let markers = points.map {
            Box(minX: $0.x - markerRadius, minY: $0.y - markerRadius, maxX: $0.x + markerRadius, maxY: $0.y + markerRadius)
        }
        var placed: [Box] = obstacles
        var result: [Placement] = []
        for (index, point) in points.enumerated() {
            let width = estimatedWidth(of: labels[index], fontSize: fontSize)
            var best: (cost: Double, placement: Placement)?
            for (order, candidate) in candidates(width: width, fontSize: fontSize).enumerated() {
                let x = point.x + candidate.dx
                let y = point.y + candidate.dy
                let minX = candidate.anchor == "start" ? x : candidate.anchor == "end" ? x - width : x - width / 2
                let box = Box(minX: minX, minY: y - fontSize * 0.8, maxX: minX + width, maxY: y + fontSize * 0.25)
                var cost = box.areaOutside(bounds) * 50
                cost += placed.reduce(0) { $0 + box.overlapArea(with: $1) * 10 }
                cost += markers.reduce(0) { $0 + box.overlapArea(with: $1) * 5 }
                cost += Double(order) * 0.5  // prefer earlier (nearer, conventional) positions
                if best == nil || cost < best!.cost {
                    let placement = Placement(x: x, y: y, anchor: candidate.anchor, box: box, needsLeader: candidate.far)
                    best = (cost, placement)
                }
            }
            placed.append(best!.placement.box)
            result.append(best!.placement)
        }
        return result
    }

    /// Candidate offsets from the point to the label's anchor, near ones first.
    private static func candidates(width: Double, fontSize: Double) -> [(dx: Double, dy: Double, anchor: String, far: Bool)] {
        let gap = 8.0
        let middle = fontSize * 0.35
        var list: [(dx: Double, dy: Double, anchor: String, far: Bool)] = [
            (gap, middle, "start", false),
            (-gap, middle, "end", false),
            (0, -gap - 2, "middle", false),
            (0, gap + fontSize * 0.8, "middle", false),
            (gap * 0.7, -gap, "start", false),
            (gap * 0.7, gap + fontSize * 0.6, "start", false),
            (-gap * 0.7, -gap, "end", false),
            (-gap * 0.7, gap + fontSize * 0.6, "end", false),
        ]
        for step in 1...4 {
            let lift = Double(step) * (fontSize + 4)
            list += [
                (gap + 6, middle - lift, "start", true),
                (gap + 6, middle + lift, "start", true),
                (-gap - 6, middle - lift, "end", true),
                (-gap - 6, middle + lift, "end", true),
            ]
        }
        return list
    }
}
