// int8 linear layer, portable: the reference (exact Int32 sums of signed activation codes times
// weight codes, then one fma with the two scales and the bias).
#include "sek_internal.h"

void sek_gemm_u8s8_portable(size_t rows, size_t columns, size_t padded_inputs, const uint8_t *codes,
                            const float *a_scales, const int8_t *packed, const int32_t *corrections,
                            const float *w_scales, const float *bias, float *c, size_t ldc) {
    (void)corrections;
    const size_t steps = padded_inputs / 4;
    const size_t groups = (columns + 15) / 16;
    for (size_t row = 0; row < rows; row++) {
        const uint8_t *a = codes + row * padded_inputs;
        float *out = c + row * ldc;
        for (size_t group = 0; group < groups; group++) {
            const int8_t *w = packed + group * steps * 64;
            int32_t lanes[16] = {0};
            for (size_t step = 0; step < steps; step++) {
                const uint8_t *x = a + step * 4;
                const int8_t *ws = w + step * 64;
                for (int lane = 0; lane < 16; lane++)
                    for (int i = 0; i < 4; i++) lanes[lane] += ((int32_t)x[i] - 128) * ws[lane * 4 + i];
            }
            for (int lane = 0; lane < 16 && group * 16 + lane < columns; lane++) {
                const size_t j = group * 16 + lane;
                out[j] = fmaf((float)lanes[lane], a_scales[row] * w_scales[j], bias ? bias[j] : 0.0f);
            }
        }
    }
}
