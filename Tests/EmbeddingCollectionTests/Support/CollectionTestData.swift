import EmbedQTestSupport
import EmbeddingCollection
import EmbeddingQuantization
import Foundation

/// Seeded vectors, ids and payloads for the collection tests, and a plain oracle for them.
enum CollectionTestData {
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "embedq-collection-\(UUID().uuidString)"
        return path
    }

    /// A deterministic vector for `id` (its values depend on the id only).
    static func vector(for id: String, dimension: Int) -> [Float] {
        var seed: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 { seed = (seed ^ UInt64(byte)) &* 0x100_0000_01b3 }
        var generator = SeededGenerator(seed: seed)
        return (0..<dimension).map { _ in Float.random(in: -1...1, using: &generator) }
    }

    static func matrix(_ ids: [String], dimension: Int) -> EmbeddingMatrix {
        try! EmbeddingMatrix(rows: ids.map { vector(for: $0, dimension: dimension) }, dimension: dimension)
    }

    /// Hamming distance between the sign bits of two float vectors (the binary codes' meaning,
    /// computed without the quantizer).
    static func signHamming(_ a: [Float], _ b: [Float]) -> Int {
        zip(a, b).reduce(0) { $0 + (($1.0 > 0) != ($1.1 > 0) ? 1 : 0) }
    }

    static let colors = ["red", "green", "blue", "black", "white"]
    static let tags = ["a", "b", "c", "d", "e", "f"]

    /// A random payload (some keys missing) as plain values for the oracle.
    static func payload(using generator: inout SeededGenerator) -> [String: PayloadValue] {
        var fields: [String: PayloadValue] = [:]
        if Int.random(in: 0..<10, using: &generator) < 9 { fields["color"] = .string(colors.randomElement(using: &generator)!) }
        if Int.random(in: 0..<10, using: &generator) < 8 { fields["year"] = .integer(Int64.random(in: 2000...2024, using: &generator)) }
        fields["score"] = .double(Double(Int.random(in: 0..<1000, using: &generator)) / 10)
        if Bool.random(using: &generator) {
            fields["tags"] = .array((0..<Int.random(in: 0...3, using: &generator)).map { _ in .string(tags.randomElement(using: &generator)!) })
        }
        if Bool.random(using: &generator) { fields["flag"] = .bool(Bool.random(using: &generator)) }
        return fields
    }
}

/// An oracle filter written independently of `PayloadFilter`: plain closures over plain values.
indirect enum OracleFilter {
    case match(String, PayloadValue)
    case any(String, [PayloadValue])
    case range(String, gte: Double?, lt: Double?)
    case clauses(must: [OracleFilter], should: [OracleFilter], mustNot: [OracleFilter])

    func holds(_ fields: [String: PayloadValue]) -> Bool {
        func elements(_ key: String) -> [PayloadValue] {
            switch fields[key] {
            case .array(let items)?: return items
            case let value?: return [value]
            case nil: return []
            }
        }
        switch self {
        case .match(let key, let value): return elements(key).contains(value)
        case .any(let key, let values): return elements(key).contains { values.contains($0) }
        case .range(let key, let gte, let lt):
            return elements(key).contains { element in
                let number: Double
                switch element {
                case .integer(let value): number = Double(value)
                case .double(let value): number = value
                default: return false
                }
                return (gte.map { number >= $0 } ?? true) && (lt.map { number < $0 } ?? true)
            }
        case .clauses(let must, let should, let mustNot):
            return must.allSatisfy { $0.holds(fields) } && (should.isEmpty || should.contains { $0.holds(fields) })
                && !mustNot.contains { $0.holds(fields) }
        }
    }

    /// The filter in Qdrant's JSON syntax.
    var json: String {
        func value(_ value: PayloadValue) -> String {
            switch value {
            case .string(let text): return "\"\(text)\""
            case .integer(let number): return String(number)
            case .bool(let flag): return String(flag)
            case .double(let number): return String(number)
            case .array: fatalError("no arrays in conditions")
            }
        }
        switch self {
        case .match(let key, let operand): return "{\"key\": \"\(key)\", \"match\": {\"value\": \(value(operand))}}"
        case .any(let key, let operands): return "{\"key\": \"\(key)\", \"match\": {\"any\": [\(operands.map(value).joined(separator: ", "))]}}"
        case .range(let key, let gte, let lt):
            let bounds = [gte.map { "\"gte\": \($0)" }, lt.map { "\"lt\": \($0)" }].compactMap { $0 }.joined(separator: ", ")
            return "{\"key\": \"\(key)\", \"range\": {\(bounds)}}"
        case .clauses(let must, let should, let mustNot):
            var parts: [String] = []
            if !must.isEmpty { parts.append("\"must\": [\(must.map(\.json).joined(separator: ", "))]") }
            if !should.isEmpty { parts.append("\"should\": [\(should.map(\.json).joined(separator: ", "))]") }
            if !mustNot.isEmpty { parts.append("\"must_not\": [\(mustNot.map(\.json).joined(separator: ", "))]") }
            return "{" + parts.joined(separator: ", ") + "}"
        }
    }
}
