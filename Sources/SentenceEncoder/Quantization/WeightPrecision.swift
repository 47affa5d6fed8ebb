/// How the weights of the encoder's linear layers (query/key/value, attention output,
/// feed-forward up and down projections) are stored and multiplied.
///
/// Embeddings, layer norms, biases and attention itself always stay float32.
public enum WeightPrecision: String, Sendable, CaseIterable, CustomStringConvertible {
    /// float32 weights and activations, through the platform BLAS: the reference.
    case float32 = "fp32"
    /// bfloat16 weights (2 bytes each, round to nearest even); activations are rounded to
    /// bfloat16 at each layer's input and products accumulate in float32 (AVX-512 BF16
    /// `vdpbf16ps` where the CPU has it, otherwise both widened to float32).
    case bfloat16 = "bf16"
    /// int8 weights with one symmetric scale per output channel; activations quantized to int8
    /// per token (dynamic, or with calibrated fixed scales); Int32 accumulation (AVX-512 VNNI
    /// `vpdpbusd` where the CPU has it, a portable loop otherwise).
    case int8 = "int8"

    /// The command-line spelling: `fp32`, `bf16` or `int8`.
    public var description: String { rawValue }
}
