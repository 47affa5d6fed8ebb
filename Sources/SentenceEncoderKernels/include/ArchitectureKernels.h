// Element-wise kernels of the encoder architectures beyond BERT (XLM-RoBERTa needs none):
// gated feed-forward activations (NomicBERT SwiGLU, ModernBERT GeGLU), rotary position
// embeddings, MPNet's relative position bias and ModernBERT's sliding-window mask.
// AVX-512, AVX2 and portable builds (NEON through the portable build on arm64), chosen at run
// time; `sek_architecture_kernels_for` hands out each build for testing.
#ifndef SENTENCE_ENCODER_ARCHITECTURE_KERNELS_H
#define SENTENCE_ENCODER_ARCHITECTURE_KERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// output[r][j] = silu(input[r][j]) · input[r][width + j] for r < rows, j < width, with
/// silu(x) = x / (1 + exp(-x)); input is rows × 2·width, output rows × width (both row-major,
/// no padding). `output` may equal `input` (the rows are compacted in place).
void sek_gated_silu(const float *input, float *output, size_t rows, size_t width);

/// As `sek_gated_silu` with the exact GELU, x · (1 + erf(x / √2)) / 2 (erf within 2e-7).
void sek_gated_gelu(const float *input, float *output, size_t rows, size_t width);

/// Rotates, in place, the first `rotary_dims` (even) columns of each of `heads` heads of
/// `head_size` columns in `rows` rows (row stride `row_stride`): row r uses
/// cos_table[r · rotary_dims/2 + i] and sin_table[…]. Pairs are (i, i + rotary_dims/2)
/// (`interleaved` 0, GPT-NeoX) or (2i, 2i + 1) (`interleaved` 1, GPT-J):
/// (x1, x2) → (x1·cos − x2·sin, x2·cos + x1·sin).
void sek_rotary(float *values, size_t rows, size_t row_stride, size_t heads, size_t head_size, size_t rotary_dims,
                const float *cos_table, const float *sin_table, int interleaved);

/// scores[i·ld + j] += diagonals[j − i] for i < rows, j < columns: `diagonals` must be
/// readable from index −(rows − 1) to columns − 1 (a bias that depends on j − i only).
void sek_add_toeplitz(float *scores, size_t rows, size_t columns, size_t ld, const float *diagonals);

/// scores[i·ld + j] = −∞ where |first_offset + j − i| > half_window (keys farther than
/// half_window from the query; first_offset = position of key 0 − position of query 0).
void sek_mask_outside_band(float *scores, size_t rows, size_t columns, size_t ld, ptrdiff_t first_offset,
                           size_t half_window);

/// One instruction set's builds of the kernels above.
typedef struct {
    void (*gated_silu)(const float *input, float *output, size_t rows, size_t width);
    void (*gated_gelu)(const float *input, float *output, size_t rows, size_t width);
    void (*rotary)(float *values, size_t rows, size_t row_stride, size_t heads, size_t head_size, size_t rotary_dims,
                   const float *cos_table, const float *sin_table, int interleaved);
    void (*add_toeplitz)(float *scores, size_t rows, size_t columns, size_t ld, const float *diagonals);
    void (*mask_outside_band)(float *scores, size_t rows, size_t columns, size_t ld, ptrdiff_t first_offset,
                              size_t half_window);
} sek_architecture_kernels;

/// The builds for `isa_level` (0 portable, 1 AVX2 + FMA, 2 AVX-512, as `sek_isa_level`), or
/// NULL when this CPU cannot run them. The exported functions above use `sek_isa_level()`'s.
const sek_architecture_kernels *sek_architecture_kernels_for(int isa_level);

#ifdef __cplusplus
}
#endif

#endif
