// Portable variants of the quantization kernels (any CPU). Plain C, no intrinsics.
#include <math.h>
#include "EmbeddingKernels.h"

static int row_is_finite(const float *row, int64_t d) {
    float probe = 0.0f;
    for (int64_t j = 0; j < d; j++) probe += row[j] - row[j];
    return probe == probe;
}

int64_t eq_quantize_scalar_codes_portable(const float *x, int64_t n, int64_t d, const float *minimums,
                                        const float *steps, float max_code, int nearest,
                                        uint8_t xor_mask, uint8_t *out) {
    for (int64_t i = 0; i < n; i++) {
        const float *row = x + i * d;
        if (!row_is_finite(row, d)) return i;
        uint8_t *dst = out + i * d;
        for (int64_t j = 0; j < d; j++) {
            float v = (row[j] - minimums[j]) / steps[j];
            if (nearest) v = nearbyintf(v);  // default rounding mode: half to even
            v = v < 0.0f ? 0.0f : v;
            v = v > max_code ? max_code : v;
            dst[j] = (uint8_t)((uint8_t)(int32_t)v ^ xor_mask);
        }
    }
    return -1;
}

int64_t eq_pack_signs_portable(const float *x, int64_t n, int64_t d, uint8_t xor_mask, uint8_t *out) {
    const int64_t width = (d + 7) / 8;
    for (int64_t i = 0; i < n; i++) {
        const float *row = x + i * d;
        if (!row_is_finite(row, d)) return i;
        uint8_t *dst = out + i * width;
        for (int64_t k = 0; k < width; k++) {
            uint8_t byte = 0;
            for (int64_t b = 0; b < 8 && k * 8 + b < d; b++) {
                byte |= (uint8_t)((row[k * 8 + b] > 0.0f) << (7 - b));
            }
            dst[k] = byte ^ xor_mask;
        }
    }
    return -1;
}

int64_t eq_pack_ternary_portable(const float *x, int64_t n, int64_t d, const float *thresholds,
                               uint8_t *out) {
    const int64_t width = (d + 7) / 8;
    for (int64_t i = 0; i < n; i++) {
        const float *row = x + i * d;
        if (!row_is_finite(row, d)) return i;
        uint8_t *positive = out + i * 2 * width;
        uint8_t *negative = positive + width;
        for (int64_t k = 0; k < width; k++) {
            uint8_t p = 0, m = 0;
            for (int64_t b = 0; b < 8 && k * 8 + b < d; b++) {
                const float v = row[k * 8 + b], t = thresholds[k * 8 + b];
                p |= (uint8_t)((v > t) << (7 - b));
                m |= (uint8_t)((v < -t) << (7 - b));
            }
            positive[k] = p;
            negative[k] = m;
        }
    }
    return -1;
}
