// The quantized linear layers as one call each: activations converted (int8 codes per token,
// or bfloat16) one block of rows at a time into the thread's scratch, then multiplied while the
// block is still in cache. Same results as converting every row first.
#include "sek_internal.h"

enum { BLOCK_ROWS = 64 };

void sek_linear_int8(const sek_kernel_table *table, const float *x, size_t rows, size_t k, const int8_t *packed,
                     const int32_t *corrections, const float *w_scales, const float *bias, size_t n,
                     const float *input_maximum, float *y) {
    const size_t padded = sek_int8_padded_inputs(k);
    const size_t block = rows < BLOCK_ROWS ? rows : BLOCK_ROWS;
    uint8_t *codes = sek_scratch(SEK_SCRATCH_ACTIVATIONS, block * padded + block * sizeof(float) + 16);
    if (!codes || rows == 0) return;
    float *scales = (float *)(void *)(codes + (block * padded + 15) / 16 * 16);
    for (size_t first = 0; first < rows; first += block) {
        const size_t count = rows - first < block ? rows - first : block;
        const float *input = x + first * k;
        if (input_maximum) {
            const float maximum = *input_maximum;
            table->quantize_rows_u8_fixed(input, count, k, padded, maximum > 0 ? 127.0f / maximum : 0.0f, codes);
            for (size_t i = 0; i < count; i++) scales[i] = maximum / 127.0f;
        } else {
            table->quantize_rows_u8(input, count, k, padded, codes, scales);
        }
        table->gemm_u8s8(count, n, padded, codes, scales, packed, corrections, w_scales, bias, y + first * n, n);
    }
}

void sek_linear_bf16(const sek_kernel_table *table, const float *x, size_t rows, size_t k, const uint16_t *packed,
                     const float *bias, size_t n, float *y) {
    const size_t padded = sek_bf16_padded_inputs(k);
    const size_t block = rows < BLOCK_ROWS ? rows : BLOCK_ROWS;
    uint16_t *activations = sek_scratch(SEK_SCRATCH_ACTIVATIONS, block * padded * sizeof(uint16_t) + 16);
    if (!activations || rows == 0) return;
    for (size_t first = 0; first < rows; first += block) {
        const size_t count = rows - first < block ? rows - first : block;
        table->round_rows_bf16(x + first * k, count, k, padded, activations);
        table->gemm_bf16(count, n, padded, activations, packed, bias, y + first * n, n);
    }
}
