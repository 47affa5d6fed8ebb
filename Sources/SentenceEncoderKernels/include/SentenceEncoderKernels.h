// SentenceEncoderKernels: the encoder's hot loops behind one dispatch table.
//
// `sek_kernels()` returns the table for this process: for every kernel, the best variant the CPU
// can run (`eqcpu_capabilities()`, i.e. detected once and capped by `EMBEDQ_ISA`), filled once,
// thread-safe. `sek_kernels_for(capabilities, &table)` fills a table for any lower set of
// capabilities, so that tests run every variant the CPU has against the plain reference.
//
// Variants (one file per operation × instruction set; see README "Which CPUs get which kernels"):
//
// | kernel            | portable | x86-64                                    | arm64                      |
// |-------------------|----------|-------------------------------------------|----------------------------|
// | gemm_f32          | C        | AVX2+FMA 6×16, AVX-512 14×32              | NEON 6×16                  |
// | attention QKᵀ, PV | (through gemm_f32: sek_attention_scores / sek_attention_context)                  |
// | gemm_u8s8 (int8)  | C        | AVX2 vpmaddwd (16-bit), AVX-VNNI,         | NEON smull, SDOT, SMMLA    |
// |                   |          | AVX-512BW vpmaddubsw, AVX-512 VNNI        | (i8mm)                     |
// | gemm_bf16         | C        | AVX2 / AVX-512 (widened into the fp32     | NEON (widened), BFDOT      |
// |                   |          | micro-kernel), AVX-512 BF16 vdpbf16ps     |                            |
// |                   |          | (AMD only: Intel's is slower than widening)|                           |
// | quantize / round  | C        | AVX2, AVX-512                             | NEON                       |
// | gelu, softmax,    | C        | AVX2, AVX-512                             | NEON                       |
// | layer norm, bias  |          |                                           |                            |
// | gated SiLU/GELU,  | C        | AVX2, AVX-512 (interleaved rotary pairs:  | NEON (interleaved: C)      |
// | rotary, Toeplitz  |          | C)                                        |                            |
// | bias, band mask   |          |                                           |                            |
//
// Exactness (what the tests assert, every variant against the portable one, which is the plain
// reference; the portable variants are checked against double-precision references):
// - Integers are exact: every int8 variant computes the same Int32 sums Σ q·w, so its outputs
//   are bit-identical to the portable variant's. AVX2 multiplies 16-bit values (`vpmaddwd` on
//   widened codes, no saturation). AVX-512BW `vpmaddubsw` cannot saturate: it multiplies |w| by
//   ±q (sign moved to the activation), |w|, |q| ≤ 127, so a pair
//   sum is at most 2 · 127 · 127 = 32 258 < 32 767. This needs activation codes u = q + 128 in
//   1...255 (the quantizers never write 0) and weight codes in −127...127 (the weight quantizer's
//   range).
// - Floats: every fp32 variant, the widened bf16 variants, GELU, softmax, layer norm, bias and
//   the activation quantization / rounding evaluate the same operations in the same order (fused
//   multiply-adds where the reference says fma, lane-wise reductions over 16 lanes folded in a
//   fixed order), so they are bit-identical to the portable variant (0 ulp).
// - The native bf16 dot products (`vdpbf16ps`, BFDOT) add pairs of products in their own order
//   and rounding (and flush subnormals): |native − portable| ≤ (k + 2) · 2⁻²³ · (|b| + Σ|a·w|)
//   + k · 2⁻¹²⁶ per output.
#ifndef SENTENCE_ENCODER_KERNELS_H
#define SENTENCE_ENCODER_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// ---------------------------------------------------------------------------------------------
// Weight layouts. Packing is part of a variant (`pack_int8`, `pack_bf16` in the table): weights
// packed by one table are multiplied by the same table. Sizes are the same for every variant.

/// Floats of an fp32 weight `n × k` packed for `gemm_f32`: n rounded up to 32, times k. Layout
/// (every variant): panels of 32 output columns, packed[(p · k + kk) · 32 + j] = W[32p + j][kk],
/// zero where 32p + j ≥ n.
size_t sek_f32_packed_count(size_t n, size_t k);

/// Packs `w` (`n × k`, row-major, PyTorch's `[out, in]`) into the `gemm_f32` panels.
void sek_pack_f32(const float *w, size_t n, size_t k, float *packed);

/// Inputs per row of int8 activation codes and packed int8 weights: k rounded up to 8.
size_t sek_int8_padded_inputs(size_t k);

/// Bytes of an int8 weight `n × k` packed by `pack_int8`: n rounded up to 16, times
/// `sek_int8_padded_inputs(k)`.
size_t sek_int8_packed_count(size_t n, size_t k);

/// Inputs per row of bf16 activations and packed bf16 weights: k rounded up to 2.
size_t sek_bf16_padded_inputs(size_t k);

/// 16-bit values of a bf16 weight `n × k` packed by `pack_bf16`: n rounded up to 32, times
/// `sek_bf16_padded_inputs(k)`.
size_t sek_bf16_packed_count(size_t n, size_t k);

// ---------------------------------------------------------------------------------------------
// Kernel signatures. Matrices are row-major; `ld*` are row strides in elements.

/// y[i][j] = fma-chain over kk = 0..<k of x[i][kk] · W[j][kk], starting from bias[j] (0 when
/// `bias` is NULL), for i < m, j < n; W packed by `sek_pack_f32`. Each output row depends on
/// its input row only.
typedef void (*sek_gemm_f32_fn)(const float *x, size_t ldx, const float *packed, const float *bias,
                                float *y, size_t ldy, size_t m, size_t n, size_t k);

/// Per-row (per-token) symmetric quantization of `rows × columns` floats (row stride `columns`):
/// scale = max|x| / 127, code = clamp(rint(x · (127 / max|x|)), −127, 127) + 128 as unsigned
/// bytes, row stride `padded_columns` ≥ columns (extra bytes 128, i.e. zero). NaN is ignored by
/// the maximum and coded −127; a zero row gets scale 0 and codes 128.
typedef void (*sek_quantize_rows_u8_fn)(const float *values, size_t rows, size_t columns, size_t padded_columns,
                                        uint8_t *codes, float *scales);

/// As `sek_quantize_rows_u8_fn` with one fixed `inverse_scale` (127 / calibrated maximum) for
/// every row (static quantization); no scales are written.
typedef void (*sek_quantize_rows_u8_fixed_fn)(const float *values, size_t rows, size_t columns,
                                              size_t padded_columns, float inverse_scale, uint8_t *codes);

/// Packs int8 weight codes `codes` (`n × k`, row-major, each in −127...127) for `gemm_u8s8`
/// into `sek_int8_packed_count(n, k)` bytes (zero past n and k).
typedef void (*sek_pack_int8_fn)(const int8_t *codes, size_t n, size_t k, int8_t *packed);

/// c[i][j] = fma((float)S[i][j], a_scales[i] · w_scales[j], bias[j]) for i < rows, j < columns,
/// with S[i][j] = Σ_p (u[i][p] − 128) · w[j][p] exact in Int32; u = `codes` (rows ×
/// padded_inputs, values 1...255 as the quantizers write them), w packed by this table's
/// `pack_int8`, corrections[j] = 128 · Σ_p w[j][p] (variants that multiply unsigned codes use
/// it), `padded_inputs` = `sek_int8_padded_inputs(k)`. `corrections` and `w_scales` hold
/// `columns` rounded up to 16 entries; `bias` may be NULL (zero).
typedef void (*sek_gemm_u8s8_fn)(size_t rows, size_t columns, size_t padded_inputs, const uint8_t *codes,
                                 const float *a_scales, const int8_t *packed, const int32_t *corrections,
                                 const float *w_scales, const float *bias, float *c, size_t ldc);

/// Rounds `rows × columns` floats to bfloat16 (nearest, ties to even; NaN stays a quiet NaN),
/// row stride `padded_columns` ≥ columns in the output, the extra entries zero.
typedef void (*sek_round_rows_bf16_fn)(const float *values, size_t rows, size_t columns, size_t padded_columns,
                                       uint16_t *output);

/// Packs bfloat16 weights `values` (`n × k`, row-major bit patterns) for `gemm_bf16` into
/// `sek_bf16_packed_count(n, k)` values.
typedef void (*sek_pack_bf16_fn)(const uint16_t *values, size_t n, size_t k, uint16_t *packed);

/// c[i][j] = bias[j] + Σ_p a[i][p] · w[j][p] in float32 (the portable reference: an fma chain
/// over p in order starting from the bias, as `gemm_f32` on the widened values), a =
/// `activations` (rows × padded_inputs bfloat16 from `round_rows_bf16`), w packed by this
/// table's `pack_bf16`; `bias` may be NULL.
typedef void (*sek_gemm_bf16_fn)(size_t rows, size_t columns, size_t padded_inputs, const uint16_t *activations,
                                 const uint16_t *packed, const float *bias, float *c, size_t ldc);

/// In place: x = x · (1 + erf(x / √2)) / 2 (exact GELU). erf is a rational approximation with
/// absolute error below 2e-7 in float32.
typedef void (*sek_gelu_fn)(float *values, size_t count);

/// In place, each of `rows` rows of `columns` floats (row stride `columns`):
/// x = exp(x − max(row)) / Σ exp(x − max(row)); exp has relative error below 4e-7 (x − max is
/// rounded to float32 first) and gives 0 below −87 (−∞ is a masked score).
typedef void (*sek_softmax_rows_fn)(float *values, size_t rows, size_t columns);

/// In place, each of `rows` rows of `columns` floats: x = x + residual, then
/// x = (x − mean) · (1 / √(variance + ε)) · γ + β with the mean and biased variance of the row.
/// `residual` may be NULL.
typedef void (*sek_add_layer_norm_fn)(float *values, const float *residual, const float *gamma, const float *beta,
                                      size_t rows, size_t columns, float epsilon);

/// In place: x[r][c] += bias[c] for r < rows, c < columns (row stride `columns`).
typedef void (*sek_add_bias_fn)(float *values, const float *bias, size_t rows, size_t columns);

/// output[r][j] = act(input[r][j]) · input[r][width + j] for r < rows, j < width (GeGLU, SwiGLU):
/// input is rows × 2·width, output rows × width (row-major, no padding); `output` may equal
/// `input` (the rows are compacted in place). act is SiLU x / (1 + e^(−x)) (exp as in
/// `sek_softmax_rows_fn`, of −|x| only, so no overflow) or the exact GELU of `sek_gelu_fn`.
typedef void (*sek_gated_fn)(const float *input, float *output, size_t rows, size_t width);

/// Rotates, in place, the first `rotary_dims` (even) columns of each of `heads` heads of
/// `head_size` columns in `rows` rows (row stride `row_stride`): row r uses
/// cos_table[r · rotary_dims/2 + i] and sin_table[…]. Pairs are (i, i + rotary_dims/2)
/// (`interleaved` 0, GPT-NeoX) or (2i, 2i + 1) (`interleaved` 1, GPT-J):
/// (x1, x2) → (x1·cos − x2·sin, x2·cos + x1·sin).
typedef void (*sek_rotary_fn)(float *values, size_t rows, size_t row_stride, size_t heads, size_t head_size,
                              size_t rotary_dims, const float *cos_table, const float *sin_table, int interleaved);

/// scores[i·ld + j] += diagonals[j − i] for i < rows, j < columns: `diagonals` must be readable
/// from index −(rows − 1) to columns − 1 (MPNet's relative bias depends on j − i only).
typedef void (*sek_add_toeplitz_fn)(float *scores, size_t rows, size_t columns, size_t ld, const float *diagonals);

/// scores[i·ld + j] = −∞ where |first_offset + j − i| > half_window (keys farther than half_window
/// from the query; first_offset = position of key 0 − position of query 0): a sliding window.
typedef void (*sek_mask_outside_band_fn)(float *scores, size_t rows, size_t columns, size_t ld,
                                         ptrdiff_t first_offset, size_t half_window);

// ---------------------------------------------------------------------------------------------
// The dispatch table.

/// One variant per kernel, and the name of the instruction set each variant uses ("portable",
/// "avx2", "avxvnni", "avx512", "avx512vnni", "avx512bf16", "neon", "neondot", "neoni8mm",
/// "neonbf16").
typedef struct {
    sek_gemm_f32_fn gemm_f32;
    sek_quantize_rows_u8_fn quantize_rows_u8;
    sek_quantize_rows_u8_fixed_fn quantize_rows_u8_fixed;
    sek_pack_int8_fn pack_int8;
    sek_gemm_u8s8_fn gemm_u8s8;
    sek_round_rows_bf16_fn round_rows_bf16;
    sek_pack_bf16_fn pack_bf16;
    sek_gemm_bf16_fn gemm_bf16;
    sek_gelu_fn gelu;
    sek_softmax_rows_fn softmax_rows;
    sek_add_layer_norm_fn add_layer_norm;
    sek_add_bias_fn add_bias;
    sek_gated_fn gated_silu;
    sek_gated_fn gated_gelu;
    sek_rotary_fn rotary;
    sek_add_toeplitz_fn add_toeplitz;
    sek_mask_outside_band_fn mask_outside_band;

    const char *gemm_f32_isa;
    const char *int8_isa;        ///< pack_int8 and gemm_u8s8
    const char *quantize_isa;    ///< quantize_rows_u8(_fixed) and round_rows_bf16
    const char *bf16_isa;        ///< pack_bf16 and gemm_bf16
    const char *elementwise_isa; ///< gelu, softmax_rows, add_layer_norm, add_bias and the architectures'
                                 ///< gated_silu, gated_gelu, rotary, add_toeplitz, mask_outside_band
} sek_kernel_table;

/// A flag for `sek_kernels_for`, outside the `CPUCapabilities` bits: use the native bf16 dot
/// product wherever the CPU has one. Without it, x86 uses `vdpbf16ps` only where it is faster
/// than widening into the fp32 micro-kernel (AMD; Intel issues it at half the FMA rate), so tests
/// set it to reach that variant on every CPU that has it.
#define SEK_PREFER_NATIVE_BF16 (UINT64_C(1) << 63)

/// The table for this process: the best variant of every kernel for `eqcpu_capabilities()`.
/// Filled on the first call (thread-safe), then constant.
const sek_kernel_table *sek_kernels(void);

/// Fills `table` with the best variant of every kernel whose instructions are all in
/// `capabilities & eqcpu_capabilities()` (so never one the CPU lacks or `EMBEDQ_ISA` excludes).
/// `capabilities` 0 gives the portable variants; `UINT64_MAX & ~SEK_PREFER_NATIVE_BF16` gives
/// `*sek_kernels()`.
void sek_kernels_for(uint64_t capabilities, sek_kernel_table *table);

/// 1 when `table->gemm_f32` is a SIMD variant (worth using instead of the BLAS), else 0.
int sek_gemm_f32_is_simd(const sek_kernel_table *table);

// ---------------------------------------------------------------------------------------------
// Compositions of the table's kernels.

/// y[i][j] = bias[j] + Σ_p x[i][p] · Ŵ[j][p] for int8 weights (`packed` by `table->pack_int8`,
/// `corrections` and `w_scales` as `sek_gemm_u8s8_fn` takes them): x (`rows × k` floats, row
/// stride k) quantized per token by `table->quantize_rows_u8`, or with the fixed maximum
/// `*input_maximum` (static; NULL: per token), 64 rows at a time in the thread's scratch, then
/// `table->gemm_u8s8`. y has row stride n. Does nothing if the scratch cannot be allocated.
void sek_linear_int8(const sek_kernel_table *table, const float *x, size_t rows, size_t k, const int8_t *packed,
                     const int32_t *corrections, const float *w_scales, const float *bias, size_t n,
                     const float *input_maximum, float *y);

/// y = bias + bf16(x) · Wᵀ for bf16 weights (`packed` by `table->pack_bf16`): x (`rows × k`)
/// rounded by `table->round_rows_bf16`, 64 rows at a time in the thread's scratch, then
/// `table->gemm_bf16`. y has row stride n.
void sek_linear_bf16(const sek_kernel_table *table, const float *x, size_t rows, size_t k, const uint16_t *packed,
                     const float *bias, size_t n, float *y);

/// scores[i][j] = Σ_t q[i][t] · (scale · k[j][t]) for i < rows, j < keys (row strides `ldq`,
/// `ldk`, `ld_scores`), through `table->gemm_f32` on K packed (and scaled) in the thread's
/// scratch.
void sek_attention_scores(const sek_kernel_table *table, const float *q, size_t ldq, const float *k, size_t ldk,
                          size_t rows, size_t keys, size_t head_size, float scale, float *scores, size_t ld_scores);

/// context[i][t] = Σ_j p[i][j] · v[j][t] for i < rows, t < head_size (row strides `ldp`, `ldv`,
/// `ld_context`), through `table->gemm_f32` on V packed in the thread's scratch.
void sek_attention_context(const sek_kernel_table *table, const float *p, size_t ldp, const float *v, size_t ldv,
                           size_t rows, size_t keys, size_t head_size, float *context, size_t ld_context);

// ---------------------------------------------------------------------------------------------
// This process's table, for callers that want one kernel (the same as `sek_kernels()->…`).

static inline void sek_gelu(float *values, size_t count) { sek_kernels()->gelu(values, count); }
static inline void sek_softmax_rows(float *values, size_t rows, size_t columns) {
    sek_kernels()->softmax_rows(values, rows, columns);
}
static inline void sek_add_layer_norm(float *values, const float *residual, const float *gamma, const float *beta,
                                      size_t rows, size_t columns, float epsilon) {
    sek_kernels()->add_layer_norm(values, residual, gamma, beta, rows, columns, epsilon);
}
static inline void sek_add_bias(float *values, const float *bias, size_t rows, size_t columns) {
    sek_kernels()->add_bias(values, bias, rows, columns);
}

#ifdef __cplusplus
}
#endif

#endif
