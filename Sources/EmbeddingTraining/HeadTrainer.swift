import EmbeddingQuantization
import Foundation

/// Quantization-aware training of a ``ProjectionHead`` on frozen float embeddings: the
/// listwise distillation of ``DistillationLoss`` (the float teacher's similarities, no labels),
/// optionally plus MultipleNegativesRanking on labelled (query, document) pairs, minimized with
/// AdamW, seeded, with early stopping on held-out queries.
public enum HeadTrainer {
    /// Trains a head.
    ///
    /// - Parameters:
    ///   - corpus: `n × d` document embeddings (the pool documents come from here).
    ///   - queries: `m × d` query embeddings; `nil` trains with corpus rows as queries.
    ///   - pairs: labelled (query row, corpus row) pairs for MultipleNegativesRanking (needs `queries`).
    ///   - progress: called every ``HeadTrainingOptions/evaluationInterval`` steps.
    /// - Throws: ``TrainingError`` for bad options, too little data, or pairs out of range.
    public static func train(
        corpus: EmbeddingMatrix, queries: EmbeddingMatrix? = nil, pairs: [(query: Int, document: Int)] = [],
        options: HeadTrainingOptions, progress: (HeadTrainingProgress) -> Void = { _ in }
    ) throws(TrainingError) -> ProjectionHead {
        let d = corpus.dimension
        let p = options.outputDimension ?? d
        guard p >= 1, p <= d else { throw .invalidParameter("output dimension must be 1 … \(d), got \(p)") }
        guard options.batchQueries >= 2, options.learningRate > 0, options.maximumSteps >= 0,
              options.evaluationInterval >= 1, options.teacherTemperature > 0 else {
            throw .invalidParameter("batch ≥ 2, learning rate > 0, evaluation interval ≥ 1 and temperature > 0 are required")
        }
        guard corpus.rowCount >= 4 else { throw .tooFewRows(rows: corpus.rowCount, needed: 4, what: "the corpus") }
        if let queries, queries.dimension != d {
            throw .dimensionMismatch(expected: d, actual: queries.dimension, what: "the queries")
        }
        if !pairs.isEmpty {
            guard let queries else { throw .invalidParameter("labelled pairs need the query embeddings") }
            if let bad = pairs.first(where: { !(0..<queries.rowCount).contains($0.query) || !(0..<corpus.rowCount).contains($0.document) }) {
                throw .invalidParameter("pair (\(bad.query), \(bad.document)) is outside the \(queries.rowCount) queries / \(corpus.rowCount) documents")
            }
        }
        var generator = SeededRandomGenerator(seed: options.seed)
        let documents = corpus.values.map(Double.init)
        let querySource = queries ?? corpus
        let queryRows = querySource.values.map(Double.init)
        var order = Array(0..<querySource.rowCount)
        order.shuffle(using: &generator)
        let heldOutCount = max(2, Int(Double(order.count) * options.heldOutFraction))
        guard order.count - heldOutCount >= 2 else { throw .tooFewRows(rows: order.count, needed: heldOutCount + 2, what: "the training queries") }
        let heldOut = Array(order.prefix(heldOutCount)), training = Array(order.dropFirst(heldOutCount))
        let isSelfQuery = queries == nil
        let neighbours = teacherNeighbours(
            queryRows, queryIndices: order, corpus: corpus, count: options.neighbours, skipSelf: isSelfQuery)

        var head = try initialHead(documents, count: corpus.rowCount, dimension: d, outputDimension: p, options: options)
        var logTemperature = Foundation.log(1 / options.teacherTemperature)
        let loss = DistillationLoss(quantizer: options.quantizer)
        let heldOutPools = stride(from: 0, to: heldOut.count, by: options.batchQueries).map { start -> Pool in
            pool(for: Array(heldOut[start..<min(start + options.batchQueries, heldOut.count)]), queryRows: queryRows,
                 documents: documents, corpusCount: corpus.rowCount, dimension: d, neighbours: neighbours, options: options,
                 generator: &generator)
        }
        func heldOutLoss() -> Double {
            var total = 0.0
            for pool in heldOutPools {
                total += loss.evaluate(
                    head: head, logTemperature: logTemperature, queries: pool.queries, queryCount: pool.queryCount,
                    documents: pool.documents, documentCount: pool.documentCount, target: pool.target).loss
            }
            return total / Double(heldOutPools.count)
        }

        var optimizer = AdamW(parameterCount: p * d + 2 * p + 1, learningRate: options.learningRate, weightDecay: options.weightDecay, decayedCount: p * d)
        var best = (loss: heldOutLoss(), head: head, logTemperature: logTemperature)
        var sinceBest = 0, runningLoss = 0.0, runningSteps = 0
        let pairOrder = pairs.shuffled(using: &generator)
        var pairCursor = 0
        for step in 1...max(options.maximumSteps, 1) where options.maximumSteps > 0 {
            let batch = (0..<options.batchQueries).map { _ in training[Int.random(in: 0..<training.count, using: &generator)] }
            let stepPool = pool(for: batch, queryRows: queryRows, documents: documents, corpusCount: corpus.rowCount, dimension: d,
                                neighbours: neighbours, options: options, generator: &generator)
            var (value, gradient) = loss.evaluate(
                head: head, logTemperature: logTemperature, queries: stepPool.queries, queryCount: stepPool.queryCount,
                documents: stepPool.documents, documentCount: stepPool.documentCount, target: stepPool.target)
            if !pairs.isEmpty {
                let chosen = (0..<min(options.batchQueries, pairs.count)).map { _ -> (query: Int, document: Int) in
                    defer { pairCursor = (pairCursor + 1) % pairOrder.count }
                    return pairOrder[pairCursor]
                }
                let pairPool = labelledPool(chosen, queryRows: queryRows, documents: documents, dimension: d)
                let (pairValue, pairGradient) = loss.evaluate(
                    head: head, logTemperature: logTemperature, queries: pairPool.queries, queryCount: pairPool.queryCount,
                    documents: pairPool.documents, documentCount: pairPool.documentCount, target: pairPool.target)
                value += options.pairWeight * pairValue
                gradient.add(pairGradient, weight: options.pairWeight)
            }
            runningLoss += value
            runningSteps += 1
            var parameters = head.weights + head.scales + head.offsets + [logTemperature]
            optimizer.step(&parameters, gradient: gradient.weights + gradient.scales + gradient.offsets + [gradient.logTemperature])
            head.weights = Array(parameters[0..<(p * d)])
            head.scales = Array(parameters[(p * d)..<(p * d + p)])
            head.offsets = Array(parameters[(p * d + p)..<(p * d + 2 * p)])
            logTemperature = min(max(parameters[p * d + 2 * p], 0), 8)
            if step % options.evaluationInterval == 0 || step == options.maximumSteps {
                let current = heldOutLoss()
                if current < best.loss {
                    best = (current, head, logTemperature)
                    sinceBest = 0
                } else {
                    sinceBest += 1
                }
                progress(HeadTrainingProgress(
                    step: step, trainingLoss: runningLoss / Double(max(runningSteps, 1)), heldOutLoss: current, bestHeldOutLoss: best.loss))
                runningLoss = 0
                runningSteps = 0
                if sinceBest >= options.patience { break }
            }
        }
        var result = best.head
        result.precision = nil
        return result
    }

    /// A step's queries, documents and target distributions (row-major doubles).
    struct Pool {
        var queries: [Double]
        var queryCount: Int
        var documents: [Double]
        var documentCount: Int
        var target: [Double]
    }

    /// Queries `batch` with a pool of their teacher neighbours and random documents; the target
    /// is the teacher's softmax over the pool.
    static func pool(
        for batch: [Int], queryRows: [Double], documents: [Double], corpusCount: Int, dimension d: Int,
        neighbours: [Int: [Int]], options: HeadTrainingOptions, generator: inout SeededRandomGenerator
    ) -> Pool {
        var chosen: [Int] = [], seen = Set<Int>()
        for query in batch { for document in neighbours[query] ?? [] where seen.insert(document).inserted { chosen.append(document) } }
        for _ in 0..<options.randomDocuments {
            let document = Int.random(in: 0..<corpusCount, using: &generator)
            if seen.insert(document).inserted { chosen.append(document) }
        }
        let queries = batch.flatMap { queryRows[($0 * d)..<(($0 + 1) * d)] }
        let pooled = chosen.flatMap { documents[($0 * d)..<(($0 + 1) * d)] }
        let teacher = DenseMath.multiplyTransposed(queries, rows: batch.count, pooled, rows: chosen.count, inner: d)
        var target = teacher
        for q in 0..<batch.count {
            let row = q * chosen.count
            var largest = -Double.infinity
            for j in 0..<chosen.count { largest = max(largest, teacher[row + j] / options.teacherTemperature) }
            var total = 0.0
            for j in 0..<chosen.count {
                target[row + j] = Foundation.exp(teacher[row + j] / options.teacherTemperature - largest)
                total += target[row + j]
            }
            for j in 0..<chosen.count { target[row + j] /= total }
        }
        return Pool(queries: queries, queryCount: batch.count, documents: pooled, documentCount: chosen.count, target: target)
    }

    /// Labelled pairs with in-batch negatives: query i's target is its own positive (one-hot).
    static func labelledPool(_ pairs: [(query: Int, document: Int)], queryRows: [Double], documents: [Double], dimension d: Int) -> Pool {
        let queries = pairs.flatMap { queryRows[($0.query * d)..<(($0.query + 1) * d)] }
        let pooled = pairs.flatMap { documents[($0.document * d)..<(($0.document + 1) * d)] }
        var target = [Double](repeating: 0, count: pairs.count * pairs.count)
        for i in 0..<pairs.count {
            // Two pairs may share a positive document: split the target between its copies.
            let copies = (0..<pairs.count).filter { pairs[$0].document == pairs[i].document }
            for j in copies { target[i * pairs.count + j] = 1 / Double(copies.count) }
        }
        return Pool(queries: queries, queryCount: pairs.count, documents: pooled, documentCount: pairs.count, target: target)
    }

    /// The `count` corpus rows with the largest float inner product for each query (float32).
    static func teacherNeighbours(_ queryRows: [Double], queryIndices: [Int], corpus: EmbeddingMatrix, count: Int, skipSelf: Bool) -> [Int: [Int]] {
        let d = corpus.dimension
        var result: [Int: [Int]] = [:]
        corpus.values.withUnsafeBufferPointer { docs in
            for query in queryIndices {
                let q = queryRows[(query * d)..<((query + 1) * d)].map(Float.init)
                var scored: [(Float, Int)] = []
                scored.reserveCapacity(corpus.rowCount)
                q.withUnsafeBufferPointer { qv in
                    for row in 0..<corpus.rowCount where !(skipSelf && row == query) {
                        let base = docs.baseAddress! + row * d
                        var acc = SIMD8<Float>(), k = 0
                        while k + 8 <= d {
                            acc += UnsafeRawPointer(base + k).loadUnaligned(as: SIMD8<Float>.self)
                                * UnsafeRawPointer(qv.baseAddress! + k).loadUnaligned(as: SIMD8<Float>.self)
                            k += 8
                        }
                        var total = acc.sum()
                        while k < d { total += base[k] * qv[k]; k += 1 }
                        scored.append((total, row))
                    }
                }
                result[query] = scored.sorted { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }.prefix(count).map(\.1)
            }
        }
        return result
    }

    /// The starting head. `.identity` starts from the precision's own codes of the embeddings
    /// (W = I, no offsets: centring would re-weight the dimensions whose mean dominates their
    /// spread, which the plain codes leave nearly constant, and costs ≈ 2 points of binary and
    /// 6 of ternary retention on SciFact); the other starts are centred on the corpus mean. One
    /// global scale puts the outputs' root mean square at ½ (the straight-through window |y| ≤ 1
    /// then covers most values) without re-weighting the dimensions against each other.
    static func initialHead(_ documents: [Double], count n: Int, dimension d: Int, outputDimension p: Int, options: HeadTrainingOptions) throws(TrainingError) -> ProjectionHead {
        var head: ProjectionHead
        switch options.initialization {
        case .pca: head = try IterativeQuantization.pcaHead(documents, count: n, dimension: d, outputDimension: p)
        case .itq: head = try IterativeQuantization.itqHead(documents, count: n, dimension: d, outputDimension: p, seed: options.seed)
        case .rotation:
            let directions = try IterativeQuantization.randomOrthogonal(d, seed: options.seed)
            var mean = [Double](repeating: 0, count: d)
            for row in 0..<n { for k in 0..<d { mean[k] += documents[row * d + k] / Double(n) } }
            head = try IterativeQuantization.head(directions: Array(directions[0..<(p * d)]), mean: mean, dimension: d, outputDimension: p)
        case .identity:
            var directions = [Double](repeating: 0, count: p * d)
            for i in 0..<p { directions[i * d + i] = 1 }
            head = try ProjectionHead(
                inputDimension: d, outputDimension: p, weights: directions, scales: [Double](repeating: 1, count: p),
                offsets: [Double](repeating: 0, count: p))
        }
        let linear = DenseMath.multiplyTransposed(documents, rows: n, head.weights, rows: p, inner: d)
        var squares = 0.0
        for row in 0..<n {
            for i in 0..<p {
                let y = head.scales[i] * linear[row * p + i] - head.offsets[i]
                squares += y * y
            }
        }
        let meanSquare = squares / Double(max(n * p, 1))
        let scale = 0.5 / max(meanSquare.squareRoot(), 1e-9)
        for i in 0..<p {
            head.scales[i] *= scale
            head.offsets[i] *= scale
        }
        return head
    }
}

/// AdamW (Loshchilov & Hutter): Adam moments with bias correction, weight decay decoupled from
/// the gradient and applied to the first `decayedCount` parameters only.
struct AdamW {
    var first: [Double], second: [Double]
    var steps = 0
    let learningRate: Double, weightDecay: Double, decayedCount: Int
    let beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8

    init(parameterCount: Int, learningRate: Double, weightDecay: Double, decayedCount: Int) {
        first = [Double](repeating: 0, count: parameterCount)
        second = first
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.decayedCount = decayedCount
    }

    mutating func step(_ parameters: inout [Double], gradient: [Double]) {
        steps += 1
        let correction1 = 1 - Foundation.pow(beta1, Double(steps)), correction2 = 1 - Foundation.pow(beta2, Double(steps))
        for i in parameters.indices {
            let g = gradient[i]
            first[i] = beta1 * first[i] + (1 - beta1) * g
            second[i] = beta2 * second[i] + (1 - beta2) * g * g
            let update = (first[i] / correction1) / ((second[i] / correction2).squareRoot() + epsilon)
            if i < decayedCount { parameters[i] -= learningRate * weightDecay * parameters[i] }
            parameters[i] -= learningRate * update
        }
    }
}
