// AVX-512 variants of the quantization kernels (F/BW/DQ/VL), compiled through target attributes;
// the dispatch table (kernel_table.c) decides whether they may be called.
#include "EmbeddingKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))

// Reverses the bit order inside each byte of a 64-bit word, so that a mask with element k in
// bit k becomes NumPy's packbits order (element 8m + b in bit 7 - b of byte m).
static inline uint64_t reverse_bits_in_bytes(uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
    return v;
}

// Mask of the lanes holding NaN or ±infinity (fpclass: QNaN 0x01, +Inf 0x08, -Inf 0x10, SNaN 0x80).
#define NONFINITE_CLASSES 0x99

AVX512 int64_t eq_quantize_scalar_codes_avx512(const float *x, int64_t n, int64_t d,
                                               const float *minimums, const float *steps,
                                               float max_code, int nearest, uint8_t xor_mask,
                                               uint8_t *out) {
    const __m512 zero = _mm512_setzero_ps();
    const __m512 top = _mm512_set1_ps(max_code);
    const __m128i flip = _mm_set1_epi8((char)xor_mask);
    for (int64_t i = 0; i < n; i++) {
        const float *row = x + i * d;
        uint8_t *dst = out + i * d;
        __mmask16 bad = 0;
        for (int64_t j = 0; j < d; j += 16) {
            const __mmask16 lanes = d - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (d - j)) - 1);
            const __m512 v = _mm512_maskz_loadu_ps(lanes, row + j);
            bad |= _mm512_mask_fpclass_ps_mask(lanes, v, NONFINITE_CLASSES);
            const __m512 lo = _mm512_maskz_loadu_ps(lanes, minimums + j);
            const __m512 st = _mm512_mask_loadu_ps(_mm512_set1_ps(1.0f), lanes, steps + j);
            __m512 s = _mm512_div_ps(_mm512_sub_ps(v, lo), st);
            if (nearest) s = _mm512_roundscale_ps(s, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
            s = _mm512_min_ps(_mm512_max_ps(s, zero), top);
            const __m128i bytes = _mm_xor_si128(_mm512_cvtepi32_epi8(_mm512_cvttps_epi32(s)), flip);
            _mm_mask_storeu_epi8(dst + j, lanes, bytes);
        }
        if (bad) return i;
    }
    return -1;
}

AVX512 int64_t eq_pack_signs_avx512(const float *x, int64_t n, int64_t d, uint8_t xor_mask,
                                    uint8_t *out) {
    const int64_t width = (d + 7) / 8;
    const __m512 zero = _mm512_setzero_ps();
    const uint64_t flip = 0x0101010101010101ULL * xor_mask;
    for (int64_t i = 0; i < n; i++) {
        const float *row = x + i * d;
        uint8_t *dst = out + i * width;
        __mmask16 bad = 0;
        int64_t j = 0;
        for (; j + 64 <= d; j += 64) {
            const __m512 a = _mm512_loadu_ps(row + j), b = _mm512_loadu_ps(row + j + 16);
            const __m512 c = _mm512_loadu_ps(row + j + 32), e = _mm512_loadu_ps(row + j + 48);
            bad |= _mm512_fpclass_ps_mask(a, NONFINITE_CLASSES) | _mm512_fpclass_ps_mask(b, NONFINITE_CLASSES) |
                   _mm512_fpclass_ps_mask(c, NONFINITE_CLASSES) | _mm512_fpclass_ps_mask(e, NONFINITE_CLASSES);
            const uint64_t bits = (uint64_t)_mm512_cmp_ps_mask(a, zero, _CMP_GT_OQ) |
                                  ((uint64_t)_mm512_cmp_ps_mask(b, zero, _CMP_GT_OQ) << 16) |
                                  ((uint64_t)_mm512_cmp_ps_mask(c, zero, _CMP_GT_OQ) << 32) |
                                  ((uint64_t)_mm512_cmp_ps_mask(e, zero, _CMP_GT_OQ) << 48);
            const uint64_t packed = reverse_bits_in_bytes(bits) ^ flip;
            __builtin_memcpy(dst + j / 8, &packed, 8);  // little-endian: element 0 lands in byte 0
        }
        if (j < d) {  // tail of fewer than 64 dimensions, masked loads, zero-padded bits
            uint64_t bits = 0;
            for (int64_t k = j; k < d; k += 16) {
                const __mmask16 lanes = d - k >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (d - k)) - 1);
                const __m512 v = _mm512_maskz_loadu_ps(lanes, row + k);
                bad |= _mm512_mask_fpclass_ps_mask(lanes, v, NONFINITE_CLASSES);
                bits |= (uint64_t)_mm512_mask_cmp_ps_mask(lanes, v, zero, _CMP_GT_OQ) << (k - j);
            }
            const uint64_t packed = reverse_bits_in_bytes(bits) ^ flip;
            __builtin_memcpy(dst + j / 8, &packed, (size_t)(width - j / 8));
        }
        if (bad) return i;
    }
    return -1;
}

AVX512 int64_t eq_pack_ternary_avx512(const float *x, int64_t n, int64_t d,
                                      const float *thresholds, uint8_t *out) {
    const int64_t width = (d + 7) / 8;
    for (int64_t i = 0; i < n; i++) {
        const float *row = x + i * d;
        uint8_t *positive = out + i * 2 * width;
        uint8_t *negative = positive + width;
        __mmask16 bad = 0;
        for (int64_t j = 0; j < d; j += 64) {
            uint64_t p = 0, m = 0;
            const int64_t end = d - j >= 64 ? j + 64 : d;
            for (int64_t k = j; k < end; k += 16) {
                const __mmask16 lanes = end - k >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (end - k)) - 1);
                const __m512 v = _mm512_maskz_loadu_ps(lanes, row + k);
                const __m512 t = _mm512_maskz_loadu_ps(lanes, thresholds + k);
                bad |= _mm512_mask_fpclass_ps_mask(lanes, v, NONFINITE_CLASSES);
                p |= (uint64_t)_mm512_mask_cmp_ps_mask(lanes, v, t, _CMP_GT_OQ) << (k - j);
                m |= (uint64_t)_mm512_mask_cmp_ps_mask(lanes, v, _mm512_sub_ps(_mm512_setzero_ps(), t), _CMP_LT_OQ) << (k - j);
            }
            const uint64_t pp = reverse_bits_in_bytes(p), mm = reverse_bits_in_bytes(m);
            const size_t bytes = (size_t)((end - j + 7) / 8);
            __builtin_memcpy(positive + j / 8, &pp, bytes);
            __builtin_memcpy(negative + j / 8, &mm, bytes);
        }
        if (bad) return i;
    }
    return -1;
}

#endif
