// Element-wise kernels of the BERT forward pass that Swift's baseline (SSE2) code generation
// leaves slow: GELU (erf) and row softmax (exp). Each has an AVX-512 and an AVX2 build chosen
// at run time by CPU detection, and a portable build. Plain-Swift references live in the tests.
#ifndef SENTENCE_ENCODER_KERNELS_H
#define SENTENCE_ENCODER_KERNELS_H

#include <stddef.h>

#include "LinearKernels.h"
#include "ArchitectureKernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/// In place: x[i] = x[i] * 0.5 * (1 + erf(x[i] / sqrt(2))) for i in 0..<count (exact GELU).
/// erf is a rational approximation with absolute error below 2e-7 in float32.
void sek_gelu(float *values, size_t count);

/// In place, for each of `rows` rows of `columns` floats (row stride `columns`):
/// x = exp(x - max(row)) / sum(exp(x - max(row))). exp has relative error below 4e-7.
void sek_softmax_rows(float *values, size_t rows, size_t columns);

/// In place, for each of `rows` rows of `columns` floats:
/// x = (x + residual - mean) / sqrt(variance + epsilon) * gamma + beta,
/// mean and (biased) variance of x + residual over the row (two passes, 16 float32 lanes).
/// `residual` may be NULL (no residual). Shapes: values, residual rows × columns; gamma, beta columns.
void sek_add_layer_norm(float *values, const float *residual, const float *gamma, const float *beta,
                        size_t rows, size_t columns, float epsilon);

/// In place, for each of `rows` rows of `columns` floats: x[r][c] += bias[c].
void sek_add_bias(float *values, const float *bias, size_t rows, size_t columns);

/// For each of `rows` rows of `columns` floats: x[r][c] = row_values[c].
void sek_fill_rows(float *values, const float *row_values, size_t rows, size_t columns);

/// Floats needed to pack an n × k weight matrix: n rounded up to 32, times k.
size_t sek_packed_weight_count(size_t n, size_t k);

/// Packs W (n × k, row-major, PyTorch's [out, in]) into panels of 32 output columns:
/// packed[p][kk][j] = W[32p + j][kk], zero where 32p + j >= n.
void sek_pack_weights(const float *w, size_t n, size_t k, float *packed);

/// y[i][j] = bias[j] + sum over kk of x[i][kk] · W[j][kk], for i < m, j < n, with W packed by
/// sek_pack_weights; x has row stride ldx, y row stride ldy. The sum runs over kk in order with
/// fused multiply-adds, so every row's result depends on that row only.
void sek_packed_linear(const float *x, size_t ldx, const float *packed, const float *bias,
                       float *y, size_t ldy, size_t m, size_t n, size_t k);

/// The portable build of sek_packed_linear, for tests.
void sek_packed_linear_portable(const float *x, size_t ldx, const float *packed, const float *bias,
                                float *y, size_t ldy, size_t m, size_t n, size_t k);

/// 1 when sek_packed_linear has an AVX-512 build on this CPU.
int sek_packed_linear_is_fast(void);

/// Which build the dispatcher uses on this CPU: 2 = AVX-512, 1 = AVX2+FMA, 0 = portable.
int sek_isa_level(void);

/// The portable builds, for testing against the dispatched ones.
void sek_gelu_portable(float *values, size_t count);
void sek_softmax_rows_portable(float *values, size_t rows, size_t columns);

#ifdef __cplusplus
}
#endif

#endif
