import Foundation
import XCTest
@testable import RetrievalEvaluation

final class SVGScatterChartTests: XCTestCase {
    func testLogarithmicBaseTwoTicksCoverByteCounts() {
        let scale = AxisScale(fitting: [48, 96, 192, 384, 768, 1536], kind: .logarithmic(base: 2))
        XCTAssertEqual(scale.ticks, [32, 64, 128, 256, 512, 1024, 2048])
        XCTAssertEqual(scale.position(of: 32, from: 0, to: 600), 0)
        XCTAssertEqual(scale.position(of: 2048, from: 0, to: 600), 600, accuracy: 1e-9)
        XCTAssertEqual(scale.position(of: 256, from: 0, to: 600), 300, accuracy: 1e-9, "equal ratios, equal space")
    }

    func testLogarithmicBaseTenTicksUseOneTwoFive() {
        let scale = AxisScale(fitting: [0.12, 2.6], kind: .logarithmic(base: 10))
        XCTAssertEqual(scale.ticks, [0.05, 0.1, 0.2, 0.5, 1, 2, 5])
    }

    func testLinearTicksAreNiceAndCoverThePaddedRange() {
        let scale = AxisScale(fitting: [91.16, 100.76], kind: .linear)
        XCTAssertLessThan(scale.lowerBound, 91.16)
        XCTAssertGreaterThan(scale.upperBound, 100.76)
        XCTAssertEqual(scale.ticks, [90, 92.5, 95, 97.5, 100, 102.5])
        let single = AxisScale(fitting: [5], kind: .linear)
        XCTAssertLessThan(single.lowerBound, 5)
        XCTAssertGreaterThan(single.upperBound, 5)
        XCTAssertEqual(scale.position(of: 95, from: 400, to: 0), 240, accuracy: 1e-9, "y axes run upwards")
    }

    func testCoincidentPointsGetSeparateLabels() {
        let points = [(x: 300.0, y: 200.0), (x: 300.0, y: 201.0), (x: 302.0, y: 199.0)]
        let labels = ["float16", "bfloat16", "float32"]
        let bounds = LabelPlacement.Box(minX: 0, minY: 0, maxX: 800, maxY: 400)
        let placements = LabelPlacement.place(points: points, labels: labels, bounds: bounds, fontSize: 12, markerRadius: 6)
        for i in placements.indices {
            XCTAssertEqual(placements[i].box.areaOutside(bounds), 0)
            for j in placements.indices where j > i {
                XCTAssertEqual(placements[i].box.overlapArea(with: placements[j].box), 0, "\(labels[i]) and \(labels[j])")
            }
        }
    }

    func testLabelsNearTheRightEdgeGoLeft() {
        let bounds = LabelPlacement.Box(minX: 0, minY: 0, maxX: 400, maxY: 300)
        let placement = LabelPlacement.place(
            points: [(x: 395, y: 150)], labels: ["a long label"], bounds: bounds, fontSize: 12, markerRadius: 6)[0]
        XCTAssertEqual(placement.anchor, "end")
        XCTAssertLessThanOrEqual(placement.box.maxX, 400)
    }

    func testSVGStructure() {
        let chart = SVGScatterChart(
            title: "T<1>", xTitle: "x", yTitle: "y", xScale: .linear,
            points: [.init(label: "a&b", x: 1, y: 2), .init(label: "c", x: 3, y: 4)], referenceY: 3, referenceLabel: "ref")
        let svg = chart.svg()
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertTrue(svg.hasSuffix("</svg>"))
        XCTAssertEqual(svg.components(separatedBy: "<circle").count - 1, 2)
        XCTAssertTrue(svg.contains(">a&amp;b</text>"))
        XCTAssertTrue(svg.contains("T&lt;1&gt;"))
        XCTAssertTrue(svg.contains("stroke-dasharray"), "reference line")
        XCTAssertTrue(svg.contains("rotate(-90"), "vertical y title")
    }

    func testNumberFormats() {
        XCTAssertEqual(NumberFormatting.compact(1536), "1536")
        XCTAssertEqual(NumberFormatting.compact(0.30000000000000004), "0.3")
        XCTAssertEqual(NumberFormatting.compact(2.5), "2.5")
        XCTAssertEqual(NumberFormatting.milliseconds(0.0412), "0.0412")
        XCTAssertEqual(NumberFormatting.milliseconds(41.25), "41.2")
        XCTAssertEqual(NumberFormatting.ratio(128), "128×")
        XCTAssertEqual(NumberFormatting.percent(0.64512), "64.51")
    }
}
