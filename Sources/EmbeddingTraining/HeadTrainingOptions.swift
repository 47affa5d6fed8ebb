import EmbeddingQuantization

/// Settings of ``HeadTrainer``.
public struct HeadTrainingOptions: Sendable {
    /// How `W` starts.
    public enum Initialization: String, Sendable, CaseIterable {
        /// The identity (its first d′ rows), not centred: training starts from the precision's
        /// own codes of the embeddings.
        case identity
        /// A seeded random rotation (its first d′ rows), centred on the corpus mean.
        case rotation
        /// The top d′ principal directions, centred.
        case pca
        /// ITQ's rotation of the principal directions (``IterativeQuantization/itqHead(_:count:dimension:outputDimension:iterations:seed:)``).
        case itq
    }

    /// The quantizer in the forward pass.
    public var quantizer: HeadQuantizer
    /// d′ (nil: the embeddings' dimension).
    public var outputDimension: Int?
    /// How `W` starts.
    public var initialization: Initialization
    /// AdamW step size.
    public var learningRate: Double
    /// AdamW decoupled weight decay (applied to `W` only).
    public var weightDecay: Double
    /// Queries per step.
    public var batchQueries: Int
    /// Teacher nearest neighbours of each query put in the step's document pool.
    public var neighbours: Int
    /// Random documents added to the pool.
    public var randomDocuments: Int
    /// τ of the teacher's softmax over float inner products.
    public var teacherTemperature: Double
    /// Upper limit on steps.
    public var maximumSteps: Int
    /// Steps between held-out evaluations (and progress reports).
    public var evaluationInterval: Int
    /// Held-out evaluations without improvement before stopping (the best head is kept).
    public var patience: Int
    /// Fraction of the training queries held out for early stopping.
    public var heldOutFraction: Double
    /// Weight of the MultipleNegativesRanking loss on labelled pairs (when pairs are given).
    public var pairWeight: Double
    /// Seed of every random choice (initialization, sampling, held-out split).
    public var seed: UInt64

    /// Creates options with the defaults used for SciFact (d = 384): identity start, AdamW 5e-4,
    /// 32 queries × (16 neighbours each + 160 random documents), τ = 0.05, ≤ 400 steps, held-out
    /// check every 20 steps, patience 5, 10 % held out.
    public init(
        quantizer: HeadQuantizer, outputDimension: Int? = nil, initialization: Initialization = .identity,
        learningRate: Double = 5e-4, weightDecay: Double = 1e-4, batchQueries: Int = 32, neighbours: Int = 16,
        randomDocuments: Int = 160, teacherTemperature: Double = 0.05, maximumSteps: Int = 400,
        evaluationInterval: Int = 20, patience: Int = 5, heldOutFraction: Double = 0.1, pairWeight: Double = 1,
        seed: UInt64 = 1
    ) {
        self.quantizer = quantizer
        self.outputDimension = outputDimension
        self.initialization = initialization
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.batchQueries = batchQueries
        self.neighbours = neighbours
        self.randomDocuments = randomDocuments
        self.teacherTemperature = teacherTemperature
        self.maximumSteps = maximumSteps
        self.evaluationInterval = evaluationInterval
        self.patience = patience
        self.heldOutFraction = heldOutFraction
        self.pairWeight = pairWeight
        self.seed = seed
    }
}

/// One progress report of ``HeadTrainer``.
public struct HeadTrainingProgress: Sendable {
    /// Steps taken.
    public var step: Int
    /// Mean training loss since the previous report.
    public var trainingLoss: Double
    /// The held-out loss now.
    public var heldOutLoss: Double
    /// The best held-out loss so far.
    public var bestHeldOutLoss: Double
}
