import ArgumentParser
import EmbedQ

/// `embedq dequantize`: compact codes back to approximate float32 embeddings.
struct DequantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dequantize",
        abstract: "Reconstruct approximate float32 embeddings from codes.",
        discussion: """
            int8 / uint8 / int4 codes become the centre of their bucket (floor rounding) or the \
            grid value (nearest rounding) and need the --ranges they were made with. binary and \
            ubinary bits become +1 / -1 (or 1 / 0 with --bits zeroOne), ternary codes -1, 0, +1. \
            Bit-packed files do not record the dimension: give --dimension unless it is a \
            multiple of 8 (or the ranges fix it).
            """)

    @Argument(help: "Codes, a .npy file written by `embedq quantize` or sentence-transformers.")
    var input: String

    @Option(name: .shortAndLong, help: "Precision of the codes: \(Precision.allValueStrings.joined(separator: ", ")).")
    var precision: Precision

    @Option(help: "The ranges the codes were made with (.npy or .json).")
    var ranges: String?

    @Option(help: "Dimension of the original embeddings (for bit-packed and int4 codes).")
    var dimension: Int?

    @Option(help: "Rounding the codes were made with: floor or nearest.")
    var rounding: RoundingMode = .floor

    @Option(help: "Values of binary bits: plusMinusOne or zeroOne.")
    var bits: BitValues = .plusMinusOne

    @Option(name: .shortAndLong, help: "Where to write the float32 embeddings (.npy).")
    var output: String

    func run() throws {
        let start = ContinuousClock.now
        let resolvedRanges = try ranges.map { try RangesFile.read(contentsOf: $0) }
        if [.int8, .uint8, .int4].contains(precision), resolvedRanges == nil {
            throw CommandFailure("dequantizing \(precision.rawValue) codes needs the --ranges they were made with")
        }
        let quantized = try QuantizedEmbeddings(
            contentsOfNPY: input, precision: precision, dimension: dimension, ranges: resolvedRanges, rounding: rounding)
        let embeddings = try EmbeddingQuantizer(precision: precision).dequantize(quantized, bitValues: bits)
        try NPYFile.write(embeddings.npyArray, to: output)
        StandardError.print(
            "dequantized \(quantized.rowCount) × \(quantized.dimension) \(precision.rawValue) codes in \(seconds(since: start)); wrote \(output)")
    }
}
