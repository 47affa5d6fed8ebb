import EmbedQ
import Foundation

/// Text → embeddings for the demo: the sentence encoder when the model can be loaded, otherwise
/// (no model, no network) the sample's precomputed embeddings, said so on standard error.
enum DemoEmbedder {
    /// The encoder for `model`, or `nil` after a note on standard error.
    static func encoder(model: String) -> SentenceEncoder? {
        let start = ContinuousClock.now
        do {
            let encoder = try SentenceEncoder(model: model)
            StandardError.log("model \(encoder.folder.path) loaded in \(seconds(since: start))")
            return encoder
        } catch {
            StandardError.warn("cannot load the model \(model) (\(error.description)); using the precomputed sample embeddings")
            return nil
        }
    }

}
