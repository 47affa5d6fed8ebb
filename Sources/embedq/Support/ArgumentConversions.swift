import ArgumentParser
import EmbedQ

extension Precision: ExpressibleByArgument {
    public init?(argument: String) {
        guard let precision = try? Precision(parsing: argument) else { return nil }
        self = precision
    }

    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension RoundingMode: ExpressibleByArgument {
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension CalibrationMethod: ExpressibleByArgument {
    public init?(argument: String) {
        guard let method = try? CalibrationMethod(parsing: argument) else { return nil }
        self = method
    }
}

extension BitValues: ExpressibleByArgument {
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}
