/// GPT-2's byte-level pre-tokenizer (`ByteLevel`): optionally a space before each piece
/// (`add_prefix_space`), the GPT-2 split (`use_regex`, ``GPT2Split``), then every UTF-8 byte of
/// every piece mapped to its printable stand-in (``ByteLevelAlphabet``), which the BPE
/// vocabulary is written in.
struct ByteLevelPreTokenizer: PreTokenizer {
    /// Whether a piece not starting with U+0020 gets one.
    var addsPrefixSpace: Bool
    /// Whether pieces are split with the GPT-2 pattern.
    var usesRegex: Bool

    func preTokenize(_ pieces: inout [TextPiece]) {
        splitEach(&pieces) { piece, output in
            var piece = piece
            if addsPrefixSpace && piece.scalars.first != " " { piece.scalars.insert(" ", at: 0) }
            if usesRegex {
                for range in GPT2Split.ranges(in: piece.scalars) { output.append(piece.slice(range)) }
            } else if !piece.scalars.isEmpty {
                output.append(piece)
            }
        }
        for index in pieces.indices {
            pieces[index].scalars = ByteLevelAlphabet.map(pieces[index].scalars)
        }
    }
}

/// The byte ↔ printable scalar table of GPT-2's byte-level BPE: the bytes `!`…`~`, `¡`…`¬`,
/// `®`…`ÿ` stand for themselves; the other 68 bytes, in order, become U+0100, U+0101, …
enum ByteLevelAlphabet {
    /// The stand-in of each byte.
    static let scalars: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            if (33...126).contains(byte) || (161...172).contains(byte) || (174...255).contains(byte) {
                table[byte] = Unicode.Scalar(UInt8(byte))
            } else {
                table[byte] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return table
    }()

    /// The stand-ins of the UTF-8 bytes of `scalars`.
    static func map(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var mapped: [Unicode.Scalar] = []
        mapped.reserveCapacity(scalars.count)
        let table = Self.scalars
        for scalar in scalars {
            if scalar.isASCII {
                mapped.append(table[Int(scalar.value)])
            } else {
                for byte in String(scalar).utf8 { mapped.append(table[Int(byte)]) }
            }
        }
        return mapped
    }
}

/// The GPT-2 pre-tokenization pattern
/// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`, written out as
/// code: the same matches as the regular expression (tested against it), without a regex engine.
enum GPT2Split {
    private enum Class { case letter, number, space, other }

    private static func classify(_ scalar: Unicode.Scalar) -> Class {
        if scalar.isASCII {
            switch scalar.value {
            case 65...90, 97...122: return .letter
            case 48...57: return .number
            case 9...13, 32: return .space
            default: return .other
            }
        }
        let properties = scalar.properties
        if properties.isWhitespace { return .space }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .decimalNumber, .letterNumber, .otherNumber: return .number
        default: return .other
        }
    }

    /// The consecutive matches covering `scalars`.
    static func ranges(in scalars: [Unicode.Scalar]) -> [Range<Int>] {
        let classes = scalars.map(classify)
        let count = scalars.count
        var ranges: [Range<Int>] = []
        var index = 0
        while index < count {
            let start = index
            // 's 't 're 've 'm 'll 'd
            if scalars[index] == "'", index + 1 < count {
                let next = scalars[index + 1]
                if next == "s" || next == "t" || next == "m" || next == "d" {
                    ranges.append(index..<(index + 2)); index += 2; continue
                }
                if index + 2 < count {
                    let third = scalars[index + 2]
                    if (next == "r" && third == "e") || (next == "v" && third == "e") || (next == "l" && third == "l") {
                        ranges.append(index..<(index + 3)); index += 3; continue
                    }
                }
            }
            // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`
            var body = index
            if scalars[index] == " ", index + 1 < count, classes[index + 1] != .space { body = index + 1 }
            let kind = classes[body]
            if kind != .space {
                var end = body + 1
                while end < count && classes[end] == kind { end += 1 }
                ranges.append(start..<end); index = end; continue
            }
            // `\s+(?!\S)` then `\s+`
            var end = index + 1
            while end < count && classes[end] == .space { end += 1 }
            if end < count && end - index >= 2 { end -= 1 }
            ranges.append(start..<end); index = end
        }
        return ranges
    }
}
