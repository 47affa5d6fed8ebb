import ArgumentParser
import Dispatch
import EmbedQ
import Foundation

/// Times tokenization alone: a tokenizer (a model folder or a `tokenizer.json`) over the `text`
/// of every JSON line, on one thread and on `--threads` threads; prints JSON with the medians.
struct TokenizeBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Time tokenization of JSON Lines texts; print JSON with medians and token counts.")

    @Argument(help: "A model folder (tokenizer.json or vocab.txt) or a tokenizer.json file.")
    var tokenizer: String

    @Option(help: "JSON Lines file with a \"text\" per line.")
    var texts: String

    @Option(help: "Truncation length, special tokens included.")
    var maxLength: Int = 512

    @Option(help: "Timed runs (after one warm-up run).")
    var runs: Int = 5

    @Option(help: "Threads for the parallel timing (texts split into contiguous chunks).")
    var threads: Int = 2

    func run() throws {
        let lines = try String(contentsOf: URL(fileURLWithPath: texts), encoding: .utf8).split(separator: "\n")
        let inputs = try lines.map { line -> String in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let text = object["text"] as? String else { throw ValidationError("a line of \(texts) has no \"text\"") }
            return text
        }
        let url = URL(fileURLWithPath: tokenizer)
        var loaded: (any Tokenizer)?
        let loadSeconds = try Timing.seconds {
            loaded = url.pathExtension == "json"
                ? try TokenizerLoader.load(tokenizerJSON: url, maximumLength: maxLength)
                : try TokenizerLoader.load(folder: url, maximumLength: maxLength)
        }
        let model = loaded!
        var tokens = 0
        for text in inputs { tokens += try model.encode(text).count }  // warm-up and count
        let single = try (0..<max(1, runs)).map { _ in
            try Timing.seconds { for text in inputs { _ = try model.encode(text) } }
        }
        let parallel = (0..<max(1, runs)).map { _ in
            Timing.seconds {
                let chunks = max(1, threads) * 4
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    let range = (chunk * inputs.count / chunks)..<((chunk + 1) * inputs.count / chunks)
                    for index in range { _ = try? model.encode(inputs[index]) }
                }
            }
        }
        let report = TokenizeBenchmarkReport(
            texts: inputs.count, tokens: tokens, loadSeconds: loadSeconds,
            singleThreadSeconds: Timing.median(single), parallelSeconds: Timing.median(parallel), threads: threads,
            singleThreadRuns: single, parallelRuns: parallel)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    }
}

/// The JSON `embedq-bench tokenize` prints.
struct TokenizeBenchmarkReport: Codable {
    var texts: Int
    var tokens: Int
    var loadSeconds: Double
    var singleThreadSeconds: Double
    var parallelSeconds: Double
    var threads: Int
    var singleThreadRuns: [Double]
    var parallelRuns: [Double]
}
