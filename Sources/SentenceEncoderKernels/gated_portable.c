// Gated feed-forward activations (NomicBERT SwiGLU, ModernBERT GeGLU), portable: the reference
// the SIMD variants equal bit for bit. out[r][j] = act(in[r][j]) · in[r][width + j]; row r of
// `output` is written after row r of `input` is read, element by element, so `output == input`
// compacts in place.
#include "sek_internal.h"

void sek_gated_silu_portable(const float *input, float *output, size_t rows, size_t width) {
    for (size_t row = 0; row < rows; row++) {
        const float *a = input + row * 2 * width, *g = a + width;
        float *y = output + row * width;
        for (size_t j = 0; j < width; j++) y[j] = sek_silu_scalar(a[j]) * g[j];
    }
}

void sek_gated_gelu_portable(const float *input, float *output, size_t rows, size_t width) {
    for (size_t row = 0; row < rows; row++) {
        const float *a = input + row * 2 * width, *g = a + width;
        float *y = output + row * width;
        for (size_t j = 0; j < width; j++) y[j] = sek_gelu_scalar(a[j]) * g[j];
    }
}
