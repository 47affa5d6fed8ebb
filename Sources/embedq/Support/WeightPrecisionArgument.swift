import ArgumentParser
import EmbedQ

/// `--weights fp32|bf16|int8`.
extension WeightPrecision: ExpressibleByArgument {
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}
