// Matrix products for quantized linear layers: int8 (u8 activations × s8 weights, Int32
// accumulation) and bfloat16 (fp32 accumulation). Each has a native build (AVX-512 VNNI
// `vpdpbusd`, AVX-512 BF16 `vdpbf16ps`) chosen at run time and a portable build.
//
// Packed weight layout, shared by both: output columns in groups of 16, padded with zero
// weights to a multiple of 16; inside a group, for each step of `P` consecutive inputs
// (P = 4 for int8, 2 for bfloat16), the 16 columns' P weights one after another:
// packed[((group · steps + step) · 16 + lane) · P + i] = W[group · 16 + lane][step · P + i],
// steps = paddedInputWidth / P. Inputs past the real width are zero weights.
#ifndef SENTENCE_ENCODER_LINEAR_KERNELS_H
#define SENTENCE_ENCODER_LINEAR_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Dynamic per-row (per-token) symmetric quantization of `rows × columns` floats (row stride
/// `columns`): scale = max|x| / 127, code = clamp(rint(x · (127 / max|x|)), -127, 127) + 128,
/// written as unsigned bytes to `codes` (row stride `padded_columns` ≥ columns, the extra
/// bytes set to 128, i.e. zero). A zero row gets scale 0 and all codes 128.
void sek_quantize_rows_u8(const float *values, size_t rows, size_t columns, size_t padded_columns,
                          uint8_t *codes, float *scales);

/// Like `sek_quantize_rows_u8` but with a fixed `inverse_scale` (127 / calibrated maximum) for
/// every row (static quantization); `scales` is not written.
void sek_quantize_rows_u8_fixed(const float *values, size_t rows, size_t columns, size_t padded_columns,
                                float inverse_scale, uint8_t *codes);

/// c[i][j] += a_scales[i] · w_scales[j] · (Σ_p a[i][p] · w[j][p] − corrections[j]) for
/// i < rows, j < columns, with a = `codes` (rows × padded_inputs unsigned bytes, from
/// `sek_quantize_rows_u8`), w the packed signed weights (P = 4) and corrections[j] = 128 · Σ_p w[j][p]
/// (which undoes the +128 offset of the codes). Sums are exact in Int32 (padded_inputs ≤ 2^16).
/// `w_scales` and `corrections` hold `columns` rounded up to 16 entries; `c` has row stride `ldc`.
void sek_gemm_u8s8(size_t rows, size_t columns, size_t padded_inputs, const uint8_t *codes,
                   const float *a_scales, const int8_t *packed, const int32_t *corrections,
                   const float *w_scales, float *c, size_t ldc);
void sek_gemm_u8s8_portable(size_t rows, size_t columns, size_t padded_inputs, const uint8_t *codes,
                            const float *a_scales, const int8_t *packed, const int32_t *corrections,
                            const float *w_scales, float *c, size_t ldc);

/// Rounds `rows × columns` floats to bfloat16 (round to nearest, ties to even; NaN stays NaN),
/// row stride `padded_columns` ≥ columns in the output, the extra entries zero.
void sek_round_rows_bf16(const float *values, size_t rows, size_t columns, size_t padded_columns,
                         uint16_t *output);

/// c[i][j] += Σ_p a[i][p] · w[j][p] in float32, a = `activations` (rows × padded_inputs
/// bfloat16 from `sek_round_rows_bf16`), w the packed bfloat16 weights (P = 2).
void sek_gemm_bf16(size_t rows, size_t columns, size_t padded_inputs, const uint16_t *activations,
                   const uint16_t *packed, float *c, size_t ldc);
void sek_gemm_bf16_portable(size_t rows, size_t columns, size_t padded_inputs, const uint16_t *activations,
                            const uint16_t *packed, float *c, size_t ldc);

/// Whether the native builds run on this CPU: AVX-512 VNNI (int8), AVX-512 BF16 (bfloat16).
int sek_has_int8_dot(void);
int sek_has_bf16_dot(void);

#ifdef __cplusplus
}
#endif

#endif
