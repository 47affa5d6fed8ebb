/// SentencePiece's unigram language model (`Unigram`), as the Hugging Face tokenizer runs it:
/// the Viterbi path of highest total score over the pieces that match at each UTF-8 position; a
/// scalar no piece starts with is an unknown piece scoring `min score − 10`; consecutive unknown
/// pieces are fused into one unknown token; a result outside the vocabulary becomes `<0xXX>`
/// byte tokens (`byte_fallback`) or the unknown token.
struct UnigramModel: TokenizerModel {
    /// The pieces with their scores, in id order.
    let scores: [Double]
    /// The id of the unknown piece (`unk_id`), `nil` when the model has none.
    let unknownID: Int32?
    /// Whether pieces outside the vocabulary become byte tokens.
    let byteFallback: Bool
    /// The file and component, for messages.
    let source: (path: String, component: String)
    /// Every piece, for the common-prefix search.
    private let trie: ByteTrie
    /// Piece text → id, for fused unknown pieces.
    private let vocabulary: Vocabulary
    /// The score of an unknown piece.
    private let unknownScore: Double
    /// The ids of `<0x00>` … `<0xFF>`.
    private let byteIDs: [Int32?]

    /// A model of `pieces` (text and score; the id is the position).
    init(pieces: [(String, Double)], unknownID: Int32?, byteFallback: Bool, source: (path: String, component: String)) {
        scores = pieces.map(\.1)
        self.unknownID = unknownID
        self.byteFallback = byteFallback
        self.source = source
        let entries = pieces.enumerated().map { ($1.0, Int32($0)) }
        let vocabulary = Vocabulary(entries)
        self.vocabulary = vocabulary
        // Duplicate pieces: the last id wins (in the trie as in the vocabulary), as in the
        // Hugging Face token map.
        trie = ByteTrie(entries.map { (Array($0.0.utf8), $0.1) })
        unknownScore = (pieces.map(\.1).min() ?? 0) - 10
        byteIDs = (0..<256).map { vocabulary.id(for: Vocabulary.byteToken($0)) }
    }

    var tokenCount: Int { scores.count }
    var largestID: Int32? { scores.isEmpty ? nil : Int32(scores.count - 1) }
    func id(for token: [Unicode.Scalar]) -> Int32? { vocabulary.id(for: token) }

    func tokenize(_ piece: [Unicode.Scalar], into ids: inout [Int32]) throws(SentenceEncoderError) {
        guard !piece.isEmpty else { return }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: piece)
        let bytes = Array(String(view).utf8)
        let size = bytes.count
        // best[end]: the best path ending at byte `end`: its score, start and last id.
        var bestScore = [Double](repeating: 0, count: size + 1)
        var bestStart = [Int](repeating: -1, count: size + 1)
        var bestID = [Int32](repeating: 0, count: size + 1)
        var missingUnknown = false
        bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            while start < size {
                let scoreHere = bestScore[start]
                let scalarLength = Self.utf8Length(leadByte: buffer[start])
                var hasSingleScalarPiece = false
                trie.forEachPrefix(of: buffer, from: start) { length, id in
                    let end = start + length
                    let candidate = scores[Int(id)] + scoreHere
                    if bestStart[end] < 0 || candidate > bestScore[end] {
                        bestScore[end] = candidate
                        bestStart[end] = start
                        bestID[end] = id
                    }
                    if length == scalarLength { hasSingleScalarPiece = true }
                }
                if !hasSingleScalarPiece {
                    let end = min(size, start + scalarLength)
                    let candidate = unknownScore + scoreHere
                    if bestStart[end] < 0 || candidate > bestScore[end] {
                        if let unknownID {
                            bestScore[end] = candidate
                            bestStart[end] = start
                            bestID[end] = unknownID
                        } else {
                            missingUnknown = true
                        }
                    }
                }
                start += scalarLength
            }
        }
        if missingUnknown { throw missingUnknownError() }
        // Walk back; runs of unknown pieces are fused into one string.
        var tokens: [(range: Range<Int>, id: Int32)] = []
        var end = size
        var fusedEnd: Int?
        while end > 0 {
            let start = bestStart[end]
            guard start >= 0 else { throw missingUnknownError() }
            let id = bestID[end]
            if id == unknownID {
                if fusedEnd == nil { fusedEnd = end }
            } else {
                if let fused = fusedEnd {
                    tokens.append((end..<fused, -1))
                    fusedEnd = nil
                }
                tokens.append((start..<end, id))
            }
            end = start
        }
        if let fused = fusedEnd { tokens.append((0..<fused, -1)) }
        for (range, id) in tokens.reversed() {
            if id >= 0 {
                ids.append(id)
                continue
            }
            // A fused unknown run: its text may still be a piece; else bytes or the unknown token.
            let text = String(decoding: bytes[range], as: UTF8.self)
            if let known = vocabulary.id(for: text) {
                ids.append(known)
            } else if byteFallback, case let byteTokens = bytes[range].compactMap({ byteIDs[Int($0)] }),
                      byteTokens.count == range.count {
                ids.append(contentsOf: byteTokens)
            } else if let unknownID {
                ids.append(unknownID)
            } else {
                throw missingUnknownError()
            }
        }
    }

    private func missingUnknownError() -> SentenceEncoderError {
        .invalidTokenizer(path: source.path, component: source.component,
                          reason: "the text has a character outside the vocabulary and the model has no unk_id")
    }

    /// The length of the UTF-8 sequence a lead byte starts.
    private static func utf8Length(leadByte: UInt8) -> Int {
        switch leadByte {
        case 0..<0x80: return 1
        case 0xC0..<0xE0: return 2
        case 0xE0..<0xF0: return 3
        default: return 4
        }
    }
}

