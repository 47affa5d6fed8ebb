import Foundation

/// A Unicode normalization form (`NFC`, `NFD`, `NFKC`, `NFKD`).
struct UnicodeNormalizer: Normalizer {
    /// The four normalization forms.
    enum Form: String, Sendable {
        case nfc = "NFC", nfd = "NFD", nfkc = "NFKC", nfkd = "NFKD"
    }

    /// The form applied.
    var form: Form

    func normalize(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        // ASCII is invariant under every form.
        if scalars.allSatisfy(\.isASCII) { return scalars }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        let text = String(view)
        let normalized: String
        switch form {
        case .nfc: normalized = text.precomposedStringWithCanonicalMapping
        case .nfd: normalized = text.decomposedStringWithCanonicalMapping
        // NFKC is NFKD then canonical composition; Foundation's own NFKC on Linux leaves
        // compatibility decompositions uncomposed (half-width ﾊﾞ stays ハ + U+3099).
        case .nfkc: normalized = text.decomposedStringWithCompatibilityMapping.precomposedStringWithCanonicalMapping
        case .nfkd: normalized = text.decomposedStringWithCompatibilityMapping
        }
        return Array(normalized.unicodeScalars)
    }
}
