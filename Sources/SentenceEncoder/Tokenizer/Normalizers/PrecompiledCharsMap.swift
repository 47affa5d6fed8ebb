/// SentencePiece's precompiled normalization map (`precompiled_charsmap`): a little-endian
/// `UInt32` byte count, a darts-clone double-array trie of that many bytes over UTF-8 keys, then
/// the replacement strings, each ended by a NUL byte; a trie value is the offset of a replacement.
struct PrecompiledCharsMap: Sendable {
    /// The double-array units.
    private let units: [UInt32]
    /// The replacement strings (UTF-8, NUL-separated).
    private let replacements: [UInt8]
    /// The decoded replacement starting at each offset that begins a string.
    private let decoded: [Int: [Unicode.Scalar]]

    /// Why a map could not be read.
    enum Failure: Error, Equatable {
        case truncated(String)
        case invalidUTF8
    }

    /// Reads a map from its bytes.
    ///
    /// - Throws: ``Failure`` when the sizes disagree with the data or the strings are not UTF-8.
    init(bytes: [UInt8]) throws(Failure) {
        guard bytes.count >= 4 else {
            throw .truncated("\(bytes.count) bytes, fewer than the 4-byte trie size")
        }
        let trieSize = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16 | Int(bytes[3]) << 24
        guard trieSize % 4 == 0, trieSize <= bytes.count - 4 else {
            throw .truncated("the trie is said to take \(trieSize) bytes but \(bytes.count - 4) follow")
        }
        guard trieSize >= 4 else { throw .truncated("an empty trie") }
        var units = [UInt32](repeating: 0, count: trieSize / 4)
        for index in units.indices {
            let base = 4 + index * 4
            units[index] = UInt32(bytes[base]) | UInt32(bytes[base + 1]) << 8 | UInt32(bytes[base + 2]) << 16 | UInt32(bytes[base + 3]) << 24
        }
        let replacements = Array(bytes[(4 + trieSize)...])
        guard String(validating: replacements, as: UTF8.self) != nil else { throw .invalidUTF8 }
        var decoded: [Int: [Unicode.Scalar]] = [:]
        var start = 0
        while start < replacements.count {
            var end = start
            while end < replacements.count && replacements[end] != 0 { end += 1 }
            decoded[start] = Array(String(decoding: replacements[start..<end], as: UTF8.self).unicodeScalars)
            start = end + 1
        }
        self.units = units
        self.replacements = replacements
        self.decoded = decoded
    }

    /// The replacement of the shortest prefix of `key` (UTF-8 bytes) that the map holds, or `nil`
    /// (`Precompiled::transform`: the first of the common-prefix matches).
    func replacement<Key: Collection<UInt8>>(forPrefixOf key: Key) -> [Unicode.Scalar]? {
        guard let offset = firstPrefixValue(key) else { return nil }
        if let cached = decoded[offset] { return cached }
        guard offset < replacements.count else { return nil }
        var end = offset
        while end < replacements.count && replacements[end] != 0 { end += 1 }
        return Array(String(decoding: replacements[offset..<end], as: UTF8.self).unicodeScalars)
    }

    /// The value of the shortest key in the trie that is a prefix of `key`; a walk that leaves the
    /// array (a malformed trie) finds nothing.
    private func firstPrefixValue<Key: Collection<UInt8>>(_ key: Key) -> Int? {
        var position = Self.offset(units[0])
        for byte in key {
            if byte == 0 { break }
            position ^= Int(byte)
            guard position < units.count else { return nil }
            let unit = units[position]
            guard Self.label(unit) == UInt32(byte) else { return nil }
            position ^= Self.offset(unit)
            if Self.hasLeaf(unit) {
                guard position < units.count else { return nil }
                return Int(units[position] & 0x7FFF_FFFF)
            }
        }
        return nil
    }

    private static func hasLeaf(_ unit: UInt32) -> Bool { (unit >> 8) & 1 == 1 }
    private static func label(_ unit: UInt32) -> UInt32 { unit & (0x8000_0000 | 0xFF) }
    private static func offset(_ unit: UInt32) -> Int { Int((unit >> 10) << ((unit & (1 << 9)) >> 6)) }
}

/// SentencePiece normalization with a precompiled map (`Precompiled`), as the Hugging Face
/// tokenizer applies it: grapheme cluster by cluster, a cluster shorter than 6 UTF-8 bytes whose
/// prefix the map holds is replaced whole; otherwise each scalar is looked up on its own.
struct PrecompiledNormalizer: Normalizer {
    /// The map.
    let map: PrecompiledCharsMap
    /// The replacement of each ASCII scalar (`nil`: kept).
    private let asciiReplacements: [[Unicode.Scalar]?]

    /// A normalizer applying `map`.
    init(map: PrecompiledCharsMap) {
        self.map = map
        asciiReplacements = (0..<128).map { map.replacement(forPrefixOf: [UInt8($0)]) }
    }

    func normalize(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(scalars.count)
        if scalars.allSatisfy(\.isASCII) {
            // ASCII clusters are single scalars, except CR LF.
            var index = 0
            while index < scalars.count {
                let scalar = scalars[index]
                if scalar == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" {
                    if let replacement = map.replacement(forPrefixOf: [13, 10]) {
                        result.append(contentsOf: replacement)
                    } else {
                        appendScalar(scalar, to: &result)
                        appendScalar("\n", to: &result)
                    }
                    index += 2
                    continue
                }
                appendScalar(scalar, to: &result)
                index += 1
            }
            return result
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        for cluster in String(view) {
            let utf8 = cluster.utf8
            if utf8.count < 6, let replacement = map.replacement(forPrefixOf: utf8) {
                result.append(contentsOf: replacement)
                continue
            }
            for scalar in cluster.unicodeScalars { appendScalar(scalar, to: &result) }
        }
        return result
    }

    private func appendScalar(_ scalar: Unicode.Scalar, to result: inout [Unicode.Scalar]) {
        if scalar.isASCII {
            if let replacement = asciiReplacements[Int(scalar.value)] {
                result.append(contentsOf: replacement)
            } else {
                result.append(scalar)
            }
        } else if let replacement = map.replacement(forPrefixOf: String(scalar).utf8) {
            result.append(contentsOf: replacement)
        } else {
            result.append(scalar)
        }
    }
}
