/// One normalization step of a tokenizer (`tokenizer.json`'s `normalizer`): text in, text out,
/// on Unicode scalars (the Hugging Face tokenizer compares code points, never canonical
/// equivalents).
protocol Normalizer: Sendable {
    /// The normalized form of `scalars`.
    func normalize(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar]
}

/// Normalizers applied in order (`Sequence`).
struct NormalizerSequence: Normalizer {
    /// The steps, first applied first.
    var normalizers: [any Normalizer]

    func normalize(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        normalizers.reduce(scalars) { $1.normalize($0) }
    }
}

/// Lowercases each scalar with its full Unicode lowercase mapping and no context rules, as Rust's
/// `char::to_lowercase` (`Lowercase`).
struct LowercaseNormalizer: Normalizer {
    func normalize(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var lowered: [Unicode.Scalar] = []
        lowered.reserveCapacity(scalars.count)
        for scalar in scalars {
            if scalar.isASCII {
                let value = scalar.value
                lowered.append(value >= 65 && value <= 90 ? Unicode.Scalar(UInt8(value + 32)) : scalar)
            } else {
                lowered.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return lowered
    }
}

/// Drops combining marks (general categories Mn, Mc, Me) without decomposing first
/// (`StripAccents`; tokenizers pair it with `NFD` or `NFKD`).
struct StripAccentsNormalizer: Normalizer {
    func normalize(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        scalars.filter { scalar in
            if scalar.isASCII { return true }
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: return false
            default: return true
            }
        }
    }
}

/// Removes leading and/or trailing White_Space (`Strip`).
struct StripNormalizer: Normalizer {
    /// Strip at the start (`strip_left`).
    var left: Bool
    /// Strip at the end (`strip_right`).
    var right: Bool

    func normalize(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var start = 0
        var end = scalars.count
        if left { while start < end, scalars[start].properties.isWhitespace { start += 1 } }
        if right { while end > start, scalars[end - 1].properties.isWhitespace { end -= 1 } }
        return start == 0 && end == scalars.count ? scalars : Array(scalars[start..<end])
    }
}

/// Puts a string before non-empty text (`Prepend`).
struct PrependNormalizer: Normalizer {
    /// What is put before the text.
    var prefix: [Unicode.Scalar]

    func normalize(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        scalars.isEmpty ? scalars : prefix + scalars
    }
}
