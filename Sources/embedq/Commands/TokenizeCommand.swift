import ArgumentParser
import EmbedQ
import Foundation

/// `embedq tokenize`: prints the model input ids of every JSON line's `text`.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print {\"input_ids\":[…]} for each input line's \"text\" (special tokens included, truncated to the model's max length)."
    )

    @Option(name: .long, help: "Model folder, or hub id (ORG/NAME or NAME for sentence-transformers/NAME).")
    var model: String = "all-MiniLM-L6-v2"

    @Argument(help: "Input JSON Lines file ('-' for standard input).")
    var input: String

    func run() throws {
        do {
            let texts = try JSONLinesInput.texts(path: input)
            let folder = try ModelLocator().locate(model)
            let tokenizer = try SentenceTokenizer(folder: folder)
            var output = ""
            for text in texts {
                output += "{\"input_ids\":[" + (try tokenizer.tokenize(text)).map(String.init).joined(separator: ",") + "]}\n"
                if output.utf8.count > 1 << 16 {
                    FileHandle.standardOutput.write(Data(output.utf8))
                    output = ""
                }
            }
            FileHandle.standardOutput.write(Data(output.utf8))
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}
