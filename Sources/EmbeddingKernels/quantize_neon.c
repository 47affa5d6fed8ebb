// arm64 NEON variants of the quantization kernels (EmbeddingKernels.h). Every value goes through
// the portable variant's float operations (subtract, IEEE divide, round half to even with
// `frintn`, clamp, truncate; `x > 0`, `x > t`, `x < −t`), so the bytes are identical. A row's
// non-finite values are found as in the x86 variants: Σ (x − x) is NaN exactly when some x is
// NaN or ±infinity (the row is written, then its index returned).
#if defined(__aarch64__)
#include <arm_neon.h>

#include "EmbeddingKernels.h"

#define INLINE static inline __attribute__((always_inline))

/// Whether `probe` (a sum of x − x terms) has a NaN lane.
INLINE int has_nan(float32x4_t probe) { return vminvq_u32(vceqq_f32(probe, probe)) == 0; }

/// The bits of 8 lane masks as one packbits byte: lane 0 of `a` in bit 7, …, lane 3 of `b` in bit 0.
INLINE uint8_t pack_byte(uint32x4_t a, uint32x4_t b) {
    static const uint32_t high[4] = {0x80, 0x40, 0x20, 0x10}, low[4] = {0x08, 0x04, 0x02, 0x01};
    return (uint8_t)vaddvq_u32(vorrq_u32(vandq_u32(a, vld1q_u32(high)), vandq_u32(b, vld1q_u32(low))));
}

int64_t eq_quantize_scalar_codes_neon(const float *x, int64_t n, int64_t d, const float *minimums,
                                      const float *steps, float max_code, int nearest, uint8_t xor_mask,
                                      uint8_t *out) {
    const float32x4_t zero = vdupq_n_f32(0.0f), top = vdupq_n_f32(max_code);
    const uint8x8_t flip = vdup_n_u8(xor_mask);
    for (int64_t i = 0; i < n; i++) {
        const float *row = x + i * d;
        uint8_t *dst = out + i * d;
        float32x4_t probe = zero;
        int64_t j = 0;
        for (; j + 8 <= d; j += 8) {
            uint32x4_t codes[2];
            for (int h = 0; h < 2; h++) {
                const float32x4_t v = vld1q_f32(row + j + 4 * h);
                probe = vaddq_f32(probe, vsubq_f32(v, v));
                float32x4_t s = vdivq_f32(vsubq_f32(v, vld1q_f32(minimums + j + 4 * h)), vld1q_f32(steps + j + 4 * h));
                if (nearest) s = vrndnq_f32(s);
                s = vminq_f32(vmaxq_f32(s, zero), top);
                codes[h] = vcvtq_u32_f32(s);  // truncation toward zero: floor of a value ≥ 0
            }
            const uint16x8_t words = vcombine_u16(vmovn_u32(codes[0]), vmovn_u32(codes[1]));
            vst1_u8(dst + j, veor_u8(vmovn_u16(words), flip));
        }
        float rest = 0.0f;
        for (; j < d; j++) {
            rest += row[j] - row[j];
            float v = (row[j] - minimums[j]) / steps[j];
            if (nearest) v = __builtin_nearbyintf(v);
            v = v < 0.0f ? 0.0f : v;
            v = v > max_code ? max_code : v;
            dst[j] = (uint8_t)((uint8_t)(int32_t)v ^ xor_mask);
        }
        if (has_nan(probe) || rest != rest) return i;
    }
    return -1;
}

int64_t eq_pack_signs_neon(const float *x, int64_t n, int64_t d, uint8_t xor_mask, uint8_t *out) {
    const int64_t width = (d + 7) / 8;
    const float32x4_t zero = vdupq_n_f32(0.0f);
    for (int64_t i = 0; i < n; i++) {
        const float *row = x + i * d;
        uint8_t *dst = out + i * width;
        float32x4_t probe = zero;
        int64_t j = 0;
        for (; j + 8 <= d; j += 8) {
            const float32x4_t a = vld1q_f32(row + j), b = vld1q_f32(row + j + 4);
            probe = vaddq_f32(probe, vaddq_f32(vsubq_f32(a, a), vsubq_f32(b, b)));
            dst[j / 8] = pack_byte(vcgtq_f32(a, zero), vcgtq_f32(b, zero)) ^ xor_mask;
        }
        float rest = 0.0f;
        if (j < d) {
            uint8_t byte = 0;
            for (int64_t b = 0; j + b < d; b++) {
                rest += row[j + b] - row[j + b];
                byte |= (uint8_t)((row[j + b] > 0.0f) << (7 - b));
            }
            dst[j / 8] = byte ^ xor_mask;
        }
        if (has_nan(probe) || rest != rest) return i;
    }
    return -1;
}

int64_t eq_pack_ternary_neon(const float *x, int64_t n, int64_t d, const float *thresholds, uint8_t *out) {
    const int64_t width = (d + 7) / 8;
    for (int64_t i = 0; i < n; i++) {
        const float *row = x + i * d;
        uint8_t *positive = out + i * 2 * width;
        uint8_t *negative = positive + width;
        float32x4_t probe = vdupq_n_f32(0.0f);
        int64_t j = 0;
        for (; j + 8 <= d; j += 8) {
            const float32x4_t a = vld1q_f32(row + j), b = vld1q_f32(row + j + 4);
            const float32x4_t ta = vld1q_f32(thresholds + j), tb = vld1q_f32(thresholds + j + 4);
            probe = vaddq_f32(probe, vaddq_f32(vsubq_f32(a, a), vsubq_f32(b, b)));
            positive[j / 8] = pack_byte(vcgtq_f32(a, ta), vcgtq_f32(b, tb));
            negative[j / 8] = pack_byte(vcltq_f32(a, vnegq_f32(ta)), vcltq_f32(b, vnegq_f32(tb)));
        }
        float rest = 0.0f;
        if (j < d) {
            uint8_t p = 0, m = 0;
            for (int64_t b = 0; j + b < d; b++) {
                const float v = row[j + b], t = thresholds[j + b];
                rest += v - v;
                p |= (uint8_t)((v > t) << (7 - b));
                m |= (uint8_t)((v < -t) << (7 - b));
            }
            positive[j / 8] = p;
            negative[j / 8] = m;
        }
        if (has_nan(probe) || rest != rest) return i;
    }
    return -1;
}

#endif
