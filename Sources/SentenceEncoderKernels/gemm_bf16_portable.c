// bf16 linear layer, portable: the reference (both operands widened to float32, one fma chain
// per output over the inputs in order, starting from the bias). Weights in the panel layout.
#include "sek_internal.h"

void sek_gemm_bf16_portable(size_t rows, size_t columns, size_t padded_inputs, const uint16_t *activations,
                            const uint16_t *packed, const float *bias, float *c, size_t ldc) {
    const size_t panels = (columns + SEK_BF16_PANEL - 1) / SEK_BF16_PANEL;
    for (size_t row = 0; row < rows; row++) {
        const uint16_t *a = activations + row * padded_inputs;
        for (size_t p = 0; p < panels; p++) {
            const uint16_t *panel = packed + p * padded_inputs * SEK_BF16_PANEL;
            const size_t j0 = p * SEK_BF16_PANEL;
            const size_t count = columns - j0 < SEK_BF16_PANEL ? columns - j0 : SEK_BF16_PANEL;
            float acc[SEK_BF16_PANEL];
            for (size_t j = 0; j < SEK_BF16_PANEL; j++) acc[j] = bias && j < count ? bias[j0 + j] : 0.0f;
            for (size_t kk = 0; kk < padded_inputs; kk++) {
                const float x = sek_widen_bf16_scalar(a[kk]);
                const uint16_t *w = panel + kk * SEK_BF16_PANEL;
                for (size_t i = 0; i < 16; i++) {
                    acc[i] = fmaf(x, sek_widen_bf16_scalar(w[2 * i]), acc[i]);
                    acc[16 + i] = fmaf(x, sek_widen_bf16_scalar(w[2 * i + 1]), acc[16 + i]);
                }
            }
            for (size_t j = 0; j < count; j++) c[row * ldc + j0 + j] = acc[j];
        }
    }
}
