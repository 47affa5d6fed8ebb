// Gated feed-forward activations, arm64 NEON: 4 lanes (simd_neon.h's gelu4 / exp4), scalar
// tails. The same operations as the portable variant lane by lane, so the same bits. In place is
// safe: each store lands before the row's unread inputs.
#include "sek_internal.h"

#ifdef SEK_ARM64
#include <arm_neon.h>
#include "simd_neon.h"

SEK_INLINE float32x4_t silu4(float32x4_t x) {
    const float32x4_t t = exp4(vnegq_f32(vabsq_f32(x)));
    const uint32x4_t nonnegative = vcgeq_f32(x, vdupq_n_f32(0.0f));  // false for NaN
    const float32x4_t numerator = vbslq_f32(nonnegative, x, vmulq_f32(x, t));
    return vdivq_f32(numerator, vaddq_f32(vdupq_n_f32(1.0f), t));
}

void sek_gated_silu_neon(const float *input, float *output, size_t rows, size_t width) {
    for (size_t row = 0; row < rows; row++) {
        const float *a = input + row * 2 * width, *g = a + width;
        float *y = output + row * width;
        size_t j = 0;
        for (; j + 4 <= width; j += 4) vst1q_f32(y + j, vmulq_f32(silu4(vld1q_f32(a + j)), vld1q_f32(g + j)));
        for (; j < width; j++) y[j] = sek_silu_scalar(a[j]) * g[j];
    }
}

void sek_gated_gelu_neon(const float *input, float *output, size_t rows, size_t width) {
    for (size_t row = 0; row < rows; row++) {
        const float *a = input + row * 2 * width, *g = a + width;
        float *y = output + row * width;
        size_t j = 0;
        for (; j + 4 <= width; j += 4) vst1q_f32(y + j, vmulq_f32(gelu4(vld1q_f32(a + j)), vld1q_f32(g + j)));
        for (; j < width; j++) y[j] = sek_gelu_scalar(a[j]) * g[j];
    }
}
#endif
