// fp32 linear layer, portable: the reference every gemm_f32 variant equals bit for bit (one fma
// chain per output over the inputs in order, starting from the bias).
#include "sek_internal.h"

void sek_gemm_f32_portable(const float *x, size_t ldx, const float *packed, const float *bias, float *y, size_t ldy,
                           size_t m, size_t n, size_t k) {
    const size_t panels = (n + SEK_F32_PANEL - 1) / SEK_F32_PANEL;
    for (size_t i = 0; i < m; i++) {
        const float *row = x + i * ldx;
        for (size_t p = 0; p < panels; p++) {
            const float *panel = packed + p * SEK_F32_PANEL * k;
            const size_t j0 = p * SEK_F32_PANEL;
            const size_t columns = n - j0 < SEK_F32_PANEL ? n - j0 : SEK_F32_PANEL;
            float acc[SEK_F32_PANEL];
            for (size_t j = 0; j < SEK_F32_PANEL; j++) acc[j] = bias && j < columns ? bias[j0 + j] : 0.0f;
            for (size_t kk = 0; kk < k; kk++)
                for (size_t j = 0; j < SEK_F32_PANEL; j++) acc[j] = fmaf(row[kk], panel[kk * SEK_F32_PANEL + j], acc[j]);
            for (size_t j = 0; j < columns; j++) y[i * ldy + j0 + j] = acc[j];
        }
    }
}
