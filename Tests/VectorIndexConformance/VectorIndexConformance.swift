#if canImport(XCTest)
import Dispatch
import EmbedQTestSupport
import EmbeddingQuantization
import EmbeddingSearch
import XCTest

/// The conformance suite every ``VectorIndex`` passes (as swift-collections' `CheckCollection`):
/// the index's answers are compared with a brute-force oracle on seeded random corpora, for
///
/// - ties (the standard corpus repeats rows, so equal scores are everywhere: lower row first),
/// - `k` of 1, a few, every row, and more than every row,
/// - an empty corpus and a one-row corpus, and an empty batch of queries,
/// - row filters at several selectivities (all, half, a tenth, one in a hundred, one row, none),
///   as allow-lists, exclusion lists, predicates and intersections,
/// - deleted rows (for indexes that delete: `supportsDeletion`),
/// - 1, 3 and 4 search threads (a corpus large enough to be split by rows, a batch large enough
///   to be split by queries), and four threads searching one instance at once,
/// - the errors every index throws for `k < 1` and queries of another dimension.
///
/// A test builds the index for a corpus (and the rows to delete) and the oracle for a corpus
/// and its queries, and calls ``check(_:dimension:supportsDeletion:parameters:build:oracle:file:line:)``.
public enum VectorIndexConformance {
    /// Builds the index under test over `corpus` (`n × d` float32, rows `0 ..< n`), with
    /// `deleted` rows deleted (always empty unless `supportsDeletion`).
    public typealias Build<Index: VectorIndex> = (_ corpus: EmbeddingMatrix, _ deleted: Set<Int>) throws -> Index
    /// The brute-force oracle of the index built over `corpus`, for `queries`.
    public typealias Oracle<Index: VectorIndex> = (_ index: Index, _ corpus: EmbeddingMatrix, _ queries: EmbeddingMatrix) throws -> any BruteForceOracle

    /// One corpus the suite searches.
    struct Scenario {
        var name: String
        var corpus: EmbeddingMatrix
        var queries: EmbeddingMatrix
        var ks: [Int]
        var threads: [Int]
        var filters: Bool
    }

    /// Runs the whole suite against the index `build` makes and reports each failure with
    /// `XCTFail`, naming `name` and the scenario (corpus, k, filter, threads).
    ///
    /// - Parameters:
    ///   - dimension: the corpus and query dimension.
    ///   - supportsDeletion: whether `build` honours its `deleted` rows (then the suite checks
    ///     that they are never returned and that the live rows still rank exactly).
    ///   - parameters: parameters every search starts from (e.g. a rescoring multiplier); the
    ///     suite sets their filter and threads.
    public static func check<Index: VectorIndex>(
        _ name: String, dimension: Int = 20, supportsDeletion: Bool = false,
        parameters: SearchParameters = SearchParameters(),
        build: Build<Index>, oracle: Oracle<Index>,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        for failure in failures(name, dimension: dimension, supportsDeletion: supportsDeletion, parameters: parameters, build: build, oracle: oracle) {
            XCTFail(failure, file: file, line: line)
        }
    }

    /// Runs the whole suite (see ``check(_:dimension:supportsDeletion:parameters:build:oracle:file:line:)``)
    /// and returns its failures, one message each (empty when the index conforms). Errors thrown
    /// by `build`, the oracle or a search count as failures.
    public static func failures<Index: VectorIndex>(
        _ name: String, dimension: Int = 20, supportsDeletion: Bool = false,
        parameters: SearchParameters = SearchParameters(),
        build: Build<Index>, oracle: Oracle<Index>
    ) -> [String] {
        let report = Report()
        for scenario in scenarios(dimension: dimension) {
            var deletions: [Set<Int>] = [[]]
            if supportsDeletion, scenario.corpus.rowCount > 1 {
                var generator = SeededGenerator(seed: 0xDE1E7E)
                var deleted = Set((0..<scenario.corpus.rowCount).filter { _ in Int.random(in: 0..<10, using: &generator) < 3 })
                deleted.insert(0)  // a row that ties with others: the tie must go to a live row
                deletions.append(deleted)
            }
            for deleted in deletions {
                let context = "\(name), \(scenario.name) corpus\(deleted.isEmpty ? "" : ", \(deleted.count) deleted")"
                do {
                    try checkScenario(scenario, deleted: deleted, parameters: parameters, build: build, oracle: oracle, context: context, report: report)
                } catch {
                    report.fail("\(context): unexpected error \(error)")
                }
            }
        }
        return report.messages
    }

    /// The corpora: standard (ties; a batch split by queries), large (split by rows), one row, empty.
    static func scenarios(dimension d: Int) -> [Scenario] {
        let distinct = matrix(rows: 120, dimension: d, seed: 1)
        // Rows 120 ..< 300 repeat earlier rows: identical rows tie under every scoring.
        var values = distinct.values
        for row in 120..<300 { values += distinct[row: (row * 7) % 120] }
        let standard = try! EmbeddingMatrix(rowCount: 300, dimension: d, values: values)
        // The standard queries include copies of corpus rows (exact matches, ties at the top).
        var queryValues = matrix(rows: 17, dimension: d, seed: 2).values
        for row in [0, 5, 250] { queryValues += standard[row: row] }
        let queries = try! EmbeddingMatrix(rowCount: 20, dimension: d, values: queryValues)
        return [
            Scenario(name: "standard", corpus: standard, queries: queries, ks: [1, 5, 300, 307], threads: [1, 3], filters: true),
            Scenario(
                name: "large", corpus: matrix(rows: 9000, dimension: d, seed: 3), queries: matrix(rows: 4, dimension: d, seed: 4),
                ks: [10], threads: [1, 4], filters: true),
            Scenario(
                name: "one row", corpus: matrix(rows: 1, dimension: d, seed: 5), queries: matrix(rows: 3, dimension: d, seed: 6),
                ks: [1, 4], threads: [1], filters: true),
            Scenario(
                name: "empty", corpus: EmbeddingMatrix.empty(dimension: d), queries: matrix(rows: 3, dimension: d, seed: 7),
                ks: [1, 4], threads: [1], filters: false),
        ]
    }

    /// The filters of a corpus of `rowCount` rows: (name, filter, the rows it allows).
    static func filters(rowCount n: Int) -> [(String, RowFilter?, (Int) -> Bool)] {
        func sample(_ percent: Int, seed: UInt64) -> Set<Int> {
            var generator = SeededGenerator(seed: seed)
            return Set((0..<n).filter { _ in Int.random(in: 0..<100, using: &generator) < percent })
        }
        let half = sample(50, seed: 11), tenth = sample(10, seed: 12), hundredth = sample(1, seed: 13)
        let excluded = sample(30, seed: 14)
        let single = n / 2
        return [
            ("none", nil, { _ in true }),
            ("all rows", .allowing(rows: 0..<n, rowCount: n), { _ in true }),
            ("50%", .allowing(rows: half, rowCount: n), { half.contains($0) }),
            ("10%", .allowing(rows: tenth, rowCount: n), { tenth.contains($0) }),
            ("1%", .allowing(rows: hundredth, rowCount: n), { hundredth.contains($0) }),
            ("one row", .allowing(rows: [single], rowCount: n), { $0 == single }),
            ("no row", .allowing(rows: [], rowCount: n), { _ in false }),
            ("excluding 30%", .excluding(rows: excluded, rowCount: n), { !excluded.contains($0) }),
            ("predicate 10%", .matching { tenth.contains($0) }, { tenth.contains($0) }),
            ("50% ∩ excluding 30% ∩ predicate odd", RowFilter.allowing(rows: half, rowCount: n)
                .intersection(.excluding(rows: excluded, rowCount: n)).intersection(.matching { $0 % 2 == 1 }),
             { half.contains($0) && !excluded.contains($0) && $0 % 2 == 1 }),
        ]
    }

    private static func checkScenario<Index: VectorIndex>(
        _ scenario: Scenario, deleted: Set<Int>, parameters: SearchParameters,
        build: Build<Index>, oracle makeOracle: Oracle<Index>, context: String, report: Report
    ) throws {
        let index = try build(scenario.corpus, deleted)
        report.expect(index.rowCount == scenario.corpus.rowCount, "\(context): rowCount \(index.rowCount), expected \(scenario.corpus.rowCount)")
        report.expect(index.dimension == scenario.corpus.dimension, "\(context): dimension \(index.dimension)")
        let oracle = try makeOracle(index, scenario.corpus, scenario.queries)
        let live = { (row: Int) in !deleted.contains(row) }
        let filters = scenario.filters ? filters(rowCount: scenario.corpus.rowCount) : [("none", nil, { _ in true })]
        for (filterName, filter, allows) in filters {
            for k in scenario.ks {
                let expected = oracle.expected(k: k, allows: { live($0) && allows($0) })
                for threads in scenario.threads {
                    var searchParameters = parameters
                    searchParameters.filter = filter
                    searchParameters.threads = threads
                    let results = try index.search(scenario.queries, k: k, parameters: searchParameters)
                    let where_ = "\(context), filter \(filterName), k \(k), \(threads) threads"
                    report.compare(results, expected, where_)
                }
            }
        }
        // Four threads searching the same instance at once get the same answers as one.
        let expected = oracle.expected(k: 7, allows: live)
        let answers = Answers(count: 4)
        DispatchQueue.concurrentPerform(iterations: 4) { member in
            var searchParameters = parameters
            searchParameters.threads = 1 + member % 2
            answers.set(member, Result { try index.search(scenario.queries, k: 7, parameters: searchParameters) })
        }
        for member in 0..<4 {
            report.compare(try answers.get(member).get(), expected, "\(context): concurrent search \(member)")
        }
        // An empty batch, k < 1, and queries of another dimension.
        let d = scenario.corpus.dimension
        let none = try index.search(EmbeddingMatrix.empty(dimension: d), k: 3, parameters: parameters)
        report.expect(none.isEmpty, "\(context): an empty batch gives \(none.count) lists")
        do {
            _ = try index.search(scenario.queries, k: 0, parameters: parameters)
            report.fail("\(context): k = 0 did not throw")
        } catch {
            report.expect(unwrapped(error) == .invalidK(0), "\(context): k = 0 threw \(error)")
        }
        do {
            _ = try index.search(matrix(rows: 2, dimension: d + 1, seed: 99), k: 3, parameters: parameters)
            report.fail("\(context): queries of dimension \(d + 1) did not throw")
        } catch {
            report.expect(
                unwrapped(error) == .dimensionMismatch(expected: d, actual: d + 1, what: "the queries"),
                "\(context): queries of dimension \(d + 1) threw \(error)")
        }
    }

    /// The search error inside an index's ``SearchError/inIndex(path:_:)`` wrapping, if any.
    public static func unwrapped(_ error: any Error) -> SearchError? {
        guard let error = error as? SearchError else { return nil }
        if case .inIndex(_, let inner) = error { return inner }
        return error
    }

    /// `rows × d` values in −1 ... 1 on a 1/64 grid (exact in every float format), from `seed`.
    public static func matrix(rows: Int, dimension d: Int, seed: UInt64) -> EmbeddingMatrix {
        var generator = SeededGenerator(seed: seed)
        let values = (0..<(rows * d)).map { _ in Float(Int.random(in: -64...64, using: &generator)) / 64 }
        return try! EmbeddingMatrix(rowCount: rows, dimension: d, values: values)
    }
}

/// The failures of one run of the suite.
private final class Report {
    private(set) var messages: [String] = []

    func fail(_ message: String) { messages.append(message) }

    func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fail(message()) }
    }

    /// Compares a search's answer with the oracle's: the metric, one list per query, each list.
    func compare(_ results: SearchResults, _ expected: SearchResults, _ context: String) {
        expect(results.metric == expected.metric, "\(context): metric \(results.metric), expected \(expected.metric)")
        expect(results.count == expected.count, "\(context): \(results.count) lists for \(expected.count) queries")
        for q in 0..<Swift.min(results.count, expected.count) where results[q] != expected[q] {
            fail("\(context), query \(q): got \(results[q].prefix(8)), expected \(expected[q].prefix(8))")
        }
    }
}

/// Results written by concurrent iterations, one slot each.
private final class Answers: @unchecked Sendable {
    // Each slot is written by one iteration and read after all have finished.
    private var slots: [Result<SearchResults, any Error>?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<SearchResults, any Error>) {
        lock.lock()
        defer { lock.unlock() }
        slots[index] = result
    }

    func get(_ index: Int) -> Result<SearchResults, any Error> {
        lock.lock()
        defer { lock.unlock() }
        return slots[index]!
    }
}
#endif
