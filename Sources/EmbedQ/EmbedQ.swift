// The umbrella module: `import EmbedQ` brings every EmbedQ module into scope.
@_exported import EmbeddingQuantization
@_exported import EmbeddingSearch
@_exported import EmbeddingGraph
@_exported import EmbeddingStore
@_exported import QuantizationEvaluation
@_exported import EmbeddingIndex
@_exported import EmbeddingCollection
@_exported import RetrievalEvaluation
@_exported import SemanticSearch
@_exported import SentenceEncoder
@_exported import EmbeddingTraining
@_exported import EmbeddingStream
