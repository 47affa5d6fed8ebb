// Activation conversions, arm64 NEON: per-token int8 codes (4 lanes: multiply, `frintn`, clamp
// with maxNum / minNum, +128, narrowed 16 at a time) and bfloat16 rounding (integer rounding on
// the bits), scalar tails with the portable code. The same operations as the portable variant,
// so the same bytes.
#include "sek_internal.h"

#ifdef SEK_ARM64
#include <arm_neon.h>

SEK_INLINE int32x4_t codes4(const float *x, float32x4_t inverse) {
    float32x4_t q = vrndnq_f32(vmulq_f32(vld1q_f32(x), inverse));
    q = vminnmq_f32(vmaxnmq_f32(q, vdupq_n_f32(-127.0f)), vdupq_n_f32(127.0f));
    return vaddq_s32(vcvtq_s32_f32(q), vdupq_n_s32(128));
}

static void code_row(const float *x, size_t columns, size_t padded, float inverse, uint8_t *out) {
    const float32x4_t v = vdupq_n_f32(inverse);
    size_t j = 0;
    for (; j + 16 <= columns; j += 16) {
        const int16x8_t a = vcombine_s16(vmovn_s32(codes4(x + j, v)), vmovn_s32(codes4(x + j + 4, v)));
        const int16x8_t b = vcombine_s16(vmovn_s32(codes4(x + j + 8, v)), vmovn_s32(codes4(x + j + 12, v)));
        vst1q_u8(out + j, vcombine_u8(vmovn_u16(vreinterpretq_u16_s16(a)), vmovn_u16(vreinterpretq_u16_s16(b))));
    }
    for (; j < columns; j++) out[j] = sek_code_scalar(x[j], inverse);
    memset(out + columns, 128, padded - columns);
}

void sek_quantize_rows_u8_neon(const float *values, size_t rows, size_t columns, size_t padded_columns,
                               uint8_t *codes, float *scales) {
    for (size_t row = 0; row < rows; row++) {
        const float *x = values + row * columns;
        float32x4_t lanes = vdupq_n_f32(0.0f);
        size_t j = 0;
        for (; j + 4 <= columns; j += 4) lanes = vmaxnmq_f32(lanes, vabsq_f32(vld1q_f32(x + j)));
        float maximum = vmaxnmvq_f32(lanes);
        for (; j < columns; j++) maximum = fmaxf(maximum, fabsf(x[j]));
        const float inverse = maximum > 0.0f ? 127.0f / maximum : 0.0f;
        scales[row] = maximum / 127.0f;
        code_row(x, columns, padded_columns, inverse, codes + row * padded_columns);
    }
}

void sek_quantize_rows_u8_fixed_neon(const float *values, size_t rows, size_t columns, size_t padded_columns,
                                     float inverse_scale, uint8_t *codes) {
    for (size_t row = 0; row < rows; row++)
        code_row(values + row * columns, columns, padded_columns, inverse_scale, codes + row * padded_columns);
}

SEK_INLINE uint16x4_t bf16x4(const float *x) {
    const uint32x4_t bits = vreinterpretq_u32_f32(vld1q_f32(x));
    const uint32x4_t nan = vcgtq_u32(vandq_u32(bits, vdupq_n_u32(0x7FFFFFFFu)), vdupq_n_u32(0x7F800000u));
    const uint32x4_t lsb = vandq_u32(vshrq_n_u32(bits, 16), vdupq_n_u32(1));
    const uint32x4_t rounded = vshrq_n_u32(vaddq_u32(bits, vaddq_u32(lsb, vdupq_n_u32(0x7FFF))), 16);
    const uint32x4_t quiet = vorrq_u32(vshrq_n_u32(bits, 16), vdupq_n_u32(0x40));
    return vmovn_u32(vbslq_u32(nan, quiet, rounded));
}

void sek_round_rows_bf16_neon(const float *values, size_t rows, size_t columns, size_t padded_columns,
                              uint16_t *output) {
    for (size_t row = 0; row < rows; row++) {
        const float *x = values + row * columns;
        uint16_t *out = output + row * padded_columns;
        size_t j = 0;
        for (; j + 8 <= columns; j += 8) vst1q_u16(out + j, vcombine_u16(bf16x4(x + j), bf16x4(x + j + 4)));
        for (; j < columns; j++) out[j] = sek_round_bf16_scalar(x[j]);
        for (j = columns; j < padded_columns; j++) out[j] = 0;
    }
}
#endif
