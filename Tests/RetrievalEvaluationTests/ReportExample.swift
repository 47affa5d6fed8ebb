@testable import RetrievalEvaluation

/// A plausible full matrix for all-MiniLM-L6-v2 on SciFact (384 dimensions): the float32 row
/// and several quality numbers are the PyTorch measurements, the rest are illustrative.
enum ReportExample {
    static let results: [QuantizationResult] = [
        row("float32", 0.6451, 0.7823, 0.9250, 0.6094, 1536, 2.10),
        row("float16", 0.6451, 0.7823, 0.9250, 0.6094, 768, 2.60),
        row("bfloat16", 0.6447, 0.7806, 0.9250, 0.6090, 768, 2.40),
        row("int8", 0.6264, 0.7650, 0.9150, 0.5902, 384, 0.90),
        row("int8 asymmetric", 0.6442, 0.7810, 0.9233, 0.6085, 384, 1.60),
        row("uint8", 0.6255, 0.7641, 0.9142, 0.5893, 384, 0.95),
        row("int4 asymmetric", 0.6391, 0.7752, 0.9203, 0.6031, 192, 1.20),
        row("ternary × ternary", 0.6404, 0.7770, 0.9180, 0.6040, 96, 0.50),
        row("float × ternary", 0.6500, 0.7880, 0.9270, 0.6150, 96, 0.90),
        row("binary", 0.5881, 0.7225, 0.8890, 0.5495, 48, 0.12),
        row("binary + rescore ×4", 0.6219, 0.7610, 0.9010, 0.5860, 48, 0.20),
        row("binary → int8 rescore ×1", 0.6105, 0.7490, 0.8890, 0.5745, 432, 0.15),
        row("binary → int8 rescore ×4", 0.6380, 0.7760, 0.9100, 0.6020, 432, 0.22),
        row("binary → int8 rescore ×10", 0.6422, 0.7800, 0.9160, 0.6070, 432, 0.35),
    ]

    static var report: QuantizationReport {
        try! QuantizationReport(dataset: "scifact", model: "all-MiniLM-L6-v2", results: results)
    }

    private static func row(
        _ name: String, _ ndcg: Double, _ recall10: Double, _ recall100: Double, _ mrr: Double, _ bytes: Double,
        _ milliseconds: Double
    ) -> QuantizationResult {
        QuantizationResult(
            name: name, ndcgAt10: ndcg, recallAt10: recall10, recallAt100: recall100, mrrAt10: mrr,
            bytesPerVector: bytes, millisecondsPerQuery: milliseconds)
    }
}
