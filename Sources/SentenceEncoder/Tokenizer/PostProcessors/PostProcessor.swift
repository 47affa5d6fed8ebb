/// What a tokenizer puts around a single sequence's ids (`tokenizer.json`'s `post_processor`):
/// `BertProcessing` and `RobertaProcessing` (`cls … sep`), `TemplateProcessing` (its `single`
/// template), `ByteLevel` (offsets only: nothing), `Sequence` (each in turn).
struct PostProcessor: Sendable, Equatable {
    /// The template's parts in order: special-token ids, and where the sequence goes.
    enum Part: Sendable, Equatable {
        case tokens([Int32])
        case sequence
    }

    /// The parts of the single-sequence template.
    var parts: [Part]

    /// Nothing added: the sequence alone.
    static let identity = PostProcessor(parts: [.sequence])

    /// `first` ids, the sequence, `last` ids.
    static func wrapping(first: [Int32], last: [Int32]) -> PostProcessor {
        PostProcessor(parts: [.tokens(first), .sequence, .tokens(last)])
    }

    /// The number of ids added to a sequence (truncation keeps room for them).
    var addedTokenCount: Int {
        parts.reduce(0) { total, part in
            if case .tokens(let ids) = part { return total + ids.count }
            return total
        }
    }

    /// Every id this processor can add.
    var specialIDs: [Int32] {
        parts.flatMap { part -> [Int32] in
            if case .tokens(let ids) = part { return ids }
            return []
        }
    }

    /// The template applied to `ids`.
    func apply(to ids: [Int32]) -> [Int32] {
        if parts == [.sequence] { return ids }
        var result: [Int32] = []
        result.reserveCapacity(ids.count + addedTokenCount)
        for part in parts {
            switch part {
            case .tokens(let special): result.append(contentsOf: special)
            case .sequence: result.append(contentsOf: ids)
            }
        }
        return result
    }

    /// This processor applied to what `inner` produced (`Sequence [inner, self]`).
    func after(_ inner: PostProcessor) -> PostProcessor {
        PostProcessor(parts: parts.flatMap { part -> [Part] in
            if case .sequence = part { return inner.parts }
            return [part]
        })
    }
}
