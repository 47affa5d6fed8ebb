/// Byte-pair encoding (`BPE`), as the Hugging Face tokenizer applies it: each scalar of a piece
/// starts as a symbol (the continuation prefix on all but the first, the end-of-word suffix on
/// the last); scalars outside the vocabulary become `<0xXX>` byte tokens (`byte_fallback`) or the
/// unknown token (consecutive ones fused into one with `fuse_unk`; dropped when the model has no
/// unknown token); then the pair with the lowest merge rank is merged, leftmost first, until no
/// pair has a merge. With `ignore_merges` a piece that is itself a token is that token.
struct BPEModel: TokenizerModel {
    /// The vocabulary.
    let vocabulary: Vocabulary
    /// Merge rank and merged id of each pair of ids (`first << 32 | second`).
    let merges: [UInt64: Merge]
    /// The unknown token's text, `nil` when the model has none.
    let unknownToken: String?
    /// The continuation prefix of all symbols but a piece's first (`continuing_subword_prefix`).
    let continuingSubwordPrefix: [Unicode.Scalar]?
    /// The suffix of a piece's last symbol (`end_of_word_suffix`).
    let endOfWordSuffix: [Unicode.Scalar]?
    /// Whether consecutive unknown scalars become one unknown token (`fuse_unk`).
    let fusesUnknown: Bool
    /// Whether unknown scalars become `<0xXX>` tokens of their UTF-8 bytes (`byte_fallback`).
    let byteFallback: Bool
    /// Whether a piece in the vocabulary skips merging (`ignore_merges`).
    let ignoresMerges: Bool
    /// The file and component, for messages.
    let source: (path: String, component: String)
    /// The ids of `<0x00>` … `<0xFF>`.
    private let byteIDs: [Int32?]
    /// The ids of single-scalar tokens, the common case of a symbol.
    private let scalarIDs: [UInt32: Int32]

    /// A merge: its rank (lower merges first) and the id of the merged token.
    struct Merge: Sendable {
        var rank: Int32
        var id: Int32
    }

    /// Why the model could not be built.
    enum Failure: Error {
        case mergeTokenMissing(String)
    }

    /// A model over `vocabulary` with `merges` in rank order.
    ///
    /// - Throws: ``Failure/mergeTokenMissing(_:)`` when a merge names, or produces, a token
    ///   outside the vocabulary (the Hugging Face tokenizer refuses such a file too).
    init(vocabulary: Vocabulary, merges: [(String, String)], unknownToken: String?, continuingSubwordPrefix: String?,
         endOfWordSuffix: String?, fusesUnknown: Bool, byteFallback: Bool, ignoresMerges: Bool,
         source: (path: String, component: String)) throws(Failure) {
        self.vocabulary = vocabulary
        self.unknownToken = unknownToken
        self.continuingSubwordPrefix = continuingSubwordPrefix.map { Array($0.unicodeScalars) }
        self.endOfWordSuffix = endOfWordSuffix.map { Array($0.unicodeScalars) }
        self.fusesUnknown = fusesUnknown
        self.byteFallback = byteFallback
        self.ignoresMerges = ignoresMerges
        self.source = source
        let prefixLength = continuingSubwordPrefix?.utf8.count ?? 0
        var table: [UInt64: Merge] = [:]
        table.reserveCapacity(merges.count)
        for (rank, (first, second)) in merges.enumerated() {
            guard let firstID = vocabulary.id(for: first) else { throw .mergeTokenMissing(first) }
            guard let secondID = vocabulary.id(for: second) else { throw .mergeTokenMissing(second) }
            // The merged token: the second part loses the prefix's length in bytes.
            let secondBytes = Array(second.utf8)
            guard secondBytes.count >= prefixLength,
                  let rest = String(validating: secondBytes[prefixLength...], as: UTF8.self) else {
                throw .mergeTokenMissing(second)
            }
            guard let mergedID = vocabulary.id(for: first + rest) else { throw .mergeTokenMissing(first + rest) }
            table[Self.key(firstID, secondID)] = Merge(rank: Int32(truncatingIfNeeded: rank), id: mergedID)
        }
        self.merges = table
        byteIDs = (0..<256).map { vocabulary.id(for: Vocabulary.byteToken($0)) }
        var scalarIDs: [UInt32: Int32] = [:]
        for scalarValue in 0..<0x800 {
            if let scalar = Unicode.Scalar(UInt32(scalarValue)), let id = vocabulary.id(for: [scalar]) {
                scalarIDs[scalar.value] = id
            }
        }
        self.scalarIDs = scalarIDs
    }

    var tokenCount: Int { vocabulary.count }
    var largestID: Int32? { vocabulary.largestID }
    func id(for token: [Unicode.Scalar]) -> Int32? { vocabulary.id(for: token) }

    func tokenize(_ piece: [Unicode.Scalar], into ids: inout [Int32]) throws(SentenceEncoderError) {
        guard !piece.isEmpty else { return }
        if ignoresMerges, let id = vocabulary.id(for: piece) {
            ids.append(id)
            return
        }
        var symbols = try initialSymbols(piece)
        mergeAll(&symbols)
        var index = symbols.isEmpty ? -1 : 0
        while index >= 0 {
            ids.append(symbols[index].id)
            index = symbols[index].next
        }
    }

    /// A symbol of the word being merged, in a doubly linked list over the array.
    private struct Symbol {
        var id: Int32
        var previous: Int
        var next: Int
        var removed = false
    }

    /// One symbol per scalar (or per byte, or fused unknown), as `BPE::merge_word` builds them.
    private func initialSymbols(_ piece: [Unicode.Scalar]) throws(SentenceEncoderError) -> [Symbol] {
        var ids: [Int32] = []
        ids.reserveCapacity(piece.count)
        var pendingUnknown: Int32?
        var key: [Unicode.Scalar] = []
        for (index, scalar) in piece.enumerated() {
            let isFirst = index == 0
            let isLast = index == piece.count - 1
            let prefix = isFirst ? nil : continuingSubwordPrefix
            let suffix = isLast ? endOfWordSuffix : nil
            var found: Int32?
            if (prefix?.isEmpty ?? true) && (suffix?.isEmpty ?? true) && scalar.value < 0x800 {
                found = scalarIDs[scalar.value]
                key = [scalar]
            } else {
                key.removeAll(keepingCapacity: true)
                if let prefix { key.append(contentsOf: prefix) }
                key.append(scalar)
                if let suffix { key.append(contentsOf: suffix) }
                found = vocabulary.id(for: key)
            }
            if let id = found {
                if let unknown = pendingUnknown {
                    ids.append(unknown)
                    pendingUnknown = nil
                }
                ids.append(id)
                continue
            }
            if byteFallback {
                var bytes: [Int32] = []
                var complete = true
                var view = String.UnicodeScalarView()
                view.append(contentsOf: key)
                for byte in String(view).utf8 {
                    guard let id = byteIDs[Int(byte)] else { complete = false; break }
                    bytes.append(id)
                }
                if complete {
                    // As in the Hugging Face tokenizer, a pending unknown token is not flushed here.
                    ids.append(contentsOf: bytes)
                    continue
                }
            }
            if let unknownToken {
                guard let unknownID = vocabulary.id(for: unknownToken) else {
                    throw SentenceEncoderError.invalidTokenizer(
                        path: source.path, component: source.component,
                        reason: "the unknown token \(unknownToken.debugDescription) is not in the vocabulary")
                }
                if let unknown = pendingUnknown, !fusesUnknown { ids.append(unknown) }
                pendingUnknown = unknownID
            }
        }
        if let unknown = pendingUnknown { ids.append(unknown) }
        return ids.enumerated().map { Symbol(id: $1, previous: $0 - 1, next: $0 + 1 < ids.count ? $0 + 1 : -1) }
    }

    /// Merges pairs lowest rank first, leftmost first among equal ranks (`Word::merge_all`).
    private func mergeAll(_ symbols: inout [Symbol]) {
        guard symbols.count > 1, !merges.isEmpty else { return }
        var queue = MergeQueue()
        for index in 0..<(symbols.count - 1) {
            if let merge = merges[Self.key(symbols[index].id, symbols[index + 1].id)] {
                queue.push(rank: merge.rank, position: index, id: merge.id)
            }
        }
        while let top = queue.pop() {
            let position = top.position
            if symbols[position].removed { continue }
            let nextPosition = symbols[position].next
            if nextPosition < 0 { continue }
            guard let merge = merges[Self.key(symbols[position].id, symbols[nextPosition].id)], merge.id == top.id else { continue }
            let right = symbols[nextPosition]
            symbols[position].id = top.id
            symbols[position].next = right.next
            symbols[nextPosition].removed = true
            if right.next >= 0 { symbols[right.next].previous = position }
            let current = symbols[position]
            if current.previous >= 0, let merge = merges[Self.key(symbols[current.previous].id, current.id)] {
                queue.push(rank: merge.rank, position: current.previous, id: merge.id)
            }
            if current.next >= 0, let merge = merges[Self.key(current.id, symbols[current.next].id)] {
                queue.push(rank: merge.rank, position: position, id: merge.id)
            }
        }
    }

    private static func key(_ first: Int32, _ second: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: first)) << 32 | UInt64(UInt32(bitPattern: second))
    }
}

/// A binary min-heap of candidate merges ordered by rank, then position.
private struct MergeQueue {
    private var items: [(rank: Int32, position: Int, id: Int32)] = []

    private static func less(_ a: (rank: Int32, position: Int, id: Int32), _ b: (rank: Int32, position: Int, id: Int32)) -> Bool {
        a.rank != b.rank ? a.rank < b.rank : a.position < b.position
    }

    mutating func push(rank: Int32, position: Int, id: Int32) {
        items.append((rank, position, id))
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.less(items[child], items[parent]) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (rank: Int32, position: Int, id: Int32)? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < items.count && Self.less(items[left], items[smallest]) { smallest = left }
                if right < items.count && Self.less(items[right], items[smallest]) { smallest = right }
                if smallest == parent { break }
                items.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first
    }
}
