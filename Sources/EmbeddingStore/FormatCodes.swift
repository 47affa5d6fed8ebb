import EmbeddingQuantization

/// The one-byte codes the header uses for ``Precision`` and ``RoundingMode``. They are part of
/// the file format (see `docs/INDEX_FORMAT.md`) and never change meaning; `0` means "none".
enum FormatCodes {
    static func code(of precision: Precision) -> UInt8 {
        switch precision {
        case .float32: return 1
        case .float16: return 2
        case .bfloat16: return 3
        case .int8: return 4
        case .uint8: return 5
        case .int4: return 6
        case .ternary: return 7
        case .binary: return 8
        case .ubinary: return 9
        case .rabitq1: return 10
        case .rabitq2: return 11
        case .rabitq3: return 12
        case .rabitq4: return 13
        }
    }

    static func precision(code: UInt8) -> Precision? {
        Precision.allCases.first { self.code(of: $0) == code }
    }

    static func code(of rounding: RoundingMode) -> UInt8 {
        switch rounding {
        case .floor: return 0
        case .nearest: return 1
        }
    }

    static func rounding(code: UInt8) -> RoundingMode? {
        switch code {
        case 0: return .floor
        case 1: return .nearest
        default: return nil
        }
    }
}
