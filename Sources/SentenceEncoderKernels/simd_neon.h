// NEON lane-wise GELU and exp (the scalar sek_gelu_scalar / sek_exp_scalar of sek_internal.h in
// 4 lanes, the same operations), shared by the NEON element-wise and gated kernels.
#ifndef SEK_SIMD_NEON_H
#define SEK_SIMD_NEON_H

#include "sek_internal.h"

#ifdef SEK_ARM64
#include <arm_neon.h>
SEK_INLINE float32x4_t gelu4(float32x4_t x) {
    float32x4_t z = vmulq_f32(x, vdupq_n_f32(SEK_FRAC_1_SQRT2));
    z = vminnmq_f32(vmaxnmq_f32(z, vdupq_n_f32(-4.0f)), vdupq_n_f32(4.0f));
    const float32x4_t z2 = vmulq_f32(z, z);
    float32x4_t p = vdupq_n_f32(SEK_ERF_P0);
    p = vfmaq_f32(vdupq_n_f32(SEK_ERF_P1), p, z2);
    p = vfmaq_f32(vdupq_n_f32(SEK_ERF_P2), p, z2);
    p = vfmaq_f32(vdupq_n_f32(SEK_ERF_P3), p, z2);
    p = vfmaq_f32(vdupq_n_f32(SEK_ERF_P4), p, z2);
    p = vfmaq_f32(vdupq_n_f32(SEK_ERF_P5), p, z2);
    p = vfmaq_f32(vdupq_n_f32(SEK_ERF_P6), p, z2);
    p = vmulq_f32(p, z);
    float32x4_t q = vdupq_n_f32(SEK_ERF_Q0);
    q = vfmaq_f32(vdupq_n_f32(SEK_ERF_Q1), q, z2);
    q = vfmaq_f32(vdupq_n_f32(SEK_ERF_Q2), q, z2);
    q = vfmaq_f32(vdupq_n_f32(SEK_ERF_Q3), q, z2);
    q = vfmaq_f32(vdupq_n_f32(SEK_ERF_Q4), q, z2);
    const float32x4_t erf = vdivq_f32(p, q);
    return vmulq_f32(vmulq_f32(vdupq_n_f32(0.5f), x), vaddq_f32(vdupq_n_f32(1.0f), erf));
}

SEK_INLINE float32x4_t exp4(float32x4_t argument) {
    const uint32x4_t underflow = vcltq_f32(argument, vdupq_n_f32(-87.0f));
    const float32x4_t x = vmaxnmq_f32(argument, vdupq_n_f32(-87.0f));
    const float32x4_t n = vrndnq_f32(vmulq_f32(x, vdupq_n_f32(SEK_EXP_LOG2E)));
    float32x4_t r = vfmsq_f32(x, n, vdupq_n_f32(SEK_EXP_LN2_HI));
    r = vfmsq_f32(r, n, vdupq_n_f32(SEK_EXP_LN2_LO));
    float32x4_t p = vdupq_n_f32(SEK_EXP_C7);
    p = vfmaq_f32(vdupq_n_f32(SEK_EXP_C6), p, r);
    p = vfmaq_f32(vdupq_n_f32(SEK_EXP_C5), p, r);
    p = vfmaq_f32(vdupq_n_f32(SEK_EXP_C4), p, r);
    p = vfmaq_f32(vdupq_n_f32(SEK_EXP_C3), p, r);
    p = vfmaq_f32(vdupq_n_f32(0.5f), p, r);
    p = vfmaq_f32(vdupq_n_f32(1.0f), p, r);
    p = vfmaq_f32(vdupq_n_f32(1.0f), p, r);
    const int32x4_t bits = vshlq_n_s32(vaddq_s32(vcvtq_s32_f32(n), vdupq_n_s32(127)), 23);
    const float32x4_t result = vmulq_f32(p, vreinterpretq_f32_s32(bits));
    return vreinterpretq_f32_u32(vbicq_u32(vreinterpretq_u32_f32(result), underflow));
}


#endif
#endif
