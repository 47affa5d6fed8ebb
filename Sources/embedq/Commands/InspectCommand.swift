import ArgumentParser
import EmbedQ
import Foundation

/// `embedq inspect`: what a `.npy` file holds.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show the shape, dtype, size and per-column value ranges of a .npy file.")

    @Argument(help: "A .npy file (embeddings, codes or ranges).")
    var file: String

    @Option(help: "How many columns to list one by one.")
    var columns: Int = 8

    @Flag(help: "Print one JSON object instead of the table.")
    var json = false

    func run() throws {
        let array = try NPYFile.read(contentsOf: file)
        let summary = try FileSummary(file: file, array: array)
        if json {
            try JSONOutput.printLine(summary)
        } else {
            print(summary.table(columnsToList: max(0, columns)))
        }
    }
}

/// Statistics of one `.npy` array, as `embedq inspect` shows them.
struct FileSummary: Encodable {
    struct Column: Encodable {
        var index: Int
        var minimum: Double
        var maximum: Double
    }

    var file: String
    var dtype: String
    var shape: [Int]
    var bytes: Int
    var minimum: Double?
    var maximum: Double?
    var mean: Double?
    var nonFinite: Int
    var rowNormMinimum: Double?
    var rowNormMaximum: Double?
    var columnMinimums: [Double]
    var columnMaximums: [Double]

    enum CodingKeys: String, CodingKey {
        case file, dtype, shape, bytes, minimum, maximum, mean
        case nonFinite = "non_finite"
        case rowNormMinimum = "row_norm_min"
        case rowNormMaximum = "row_norm_max"
        case columnMinimums = "column_min"
        case columnMaximums = "column_max"
    }

    init(file: String, array: NPYArray) throws {
        self.file = file
        dtype = array.dataType.name
        shape = array.shape
        bytes = array.bytes.count
        let values = try Self.doubles(array)
        let columnCount = array.shape.count >= 2 ? array.shape.last! : max(values.count, 1)
        let rowCount = values.count / max(columnCount, 1)
        var lows = [Double](repeating: .infinity, count: values.isEmpty ? 0 : columnCount)
        var highs = [Double](repeating: -.infinity, count: lows.count)
        var (sum, finiteCount, bad) = (0.0, 0, 0)
        var norms: [Double] = []
        for row in 0..<rowCount {
            var squared = 0.0
            for column in 0..<columnCount {
                let value = values[row * columnCount + column]
                guard value.isFinite else { bad += 1; continue }
                lows[column] = Swift.min(lows[column], value)
                highs[column] = Swift.max(highs[column], value)
                sum += value
                finiteCount += 1
                squared += value * value
            }
            norms.append(squared.squareRoot())
        }
        nonFinite = bad
        minimum = finiteCount > 0 ? lows.min() : nil
        maximum = finiteCount > 0 ? highs.max() : nil
        mean = finiteCount > 0 ? sum / Double(finiteCount) : nil
        let isFloat = array.dataType.isFloatingPoint && array.shape.count == 2
        rowNormMinimum = isFloat ? norms.min() : nil
        rowNormMaximum = isFloat ? norms.max() : nil
        columnMinimums = lows
        columnMaximums = highs
    }

    /// The values widened to Double (bit patterns of bfloat16 files stay integers).
    private static func doubles(_ array: NPYArray) throws -> [Double] {
        switch array.dataType {
        case .float16, .float32: return try array.float32Values().map(Double.init)
        case .float64: return try array.float64Values()
        case .int8: return try array.int8Values().map(Double.init)
        case .uint8: return try array.uint8Values().map(Double.init)
        case .int32: return try array.int32Values().map(Double.init)
        default:
            return array.bytes.withUnsafeBytes { raw -> [Double] in
                let size = array.dataType.itemSize
                return (0..<array.elementCount).map { index in
                    var value: UInt64 = 0
                    for byte in 0..<size { value |= UInt64(raw[index * size + byte]) << (8 * byte) }
                    return Double(value)
                }
            }
        }
    }

    /// A human-readable table.
    func table(columnsToList: Int) -> String {
        func number(_ value: Double?) -> String {
            guard let value else { return "-" }
            return value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(format: "%.6g", value)
        }
        var lines = [
            "file        \(file)",
            "dtype       \(dtype)",
            "shape       (\(shape.map(String.init).joined(separator: ", ")))",
            "bytes       \(bytes) (\(formatBytes(bytes)))",
            "values      min \(number(minimum))  max \(number(maximum))  mean \(number(mean))  non-finite \(nonFinite)",
        ]
        if let low = rowNormMinimum, let high = rowNormMaximum {
            lines.append("row norms   \(number(low))…\(number(high))" + (abs(low - 1) < 1e-3 && abs(high - 1) < 1e-3 ? "  (normalized)" : ""))
        }
        if !columnMinimums.isEmpty {
            let widths = zip(columnMinimums, columnMaximums).map { $1 - $0 }
            lines.append("columns     \(columnMinimums.count); range width min \(number(widths.min())) max \(number(widths.max()))")
            lines.append("  column          min          max")
            for index in 0..<min(columnsToList, columnMinimums.count) {
                lines.append(String(format: "  %6d %12@ %12@", index, number(columnMinimums[index]), number(columnMaximums[index])))
            }
            if columnMinimums.count > columnsToList { lines.append("  … \(columnMinimums.count - columnsToList) more") }
        }
        return lines.joined(separator: "\n")
    }
}
