// AVX2 variants of the quantization kernels (AVX2 + FMA + F16C), compiled through target
// attributes; the dispatch table (kernel_table.c) decides whether they may be called.
#include "EmbeddingKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma,f16c")))

// Bit-reversal of a byte: `_mm256_movemask_ps` puts element k in bit k, NumPy's packbits wants
// element b of a byte in bit 7 - b.
static const uint8_t reversed[256] = {
#define R2(n) n, n + 2 * 64, n + 1 * 64, n + 3 * 64
#define R4(n) R2(n), R2(n + 2 * 16), R2(n + 1 * 16), R2(n + 3 * 16)
#define R6(n) R4(n), R4(n + 2 * 4), R4(n + 1 * 4), R4(n + 3 * 4)
    R6(0), R6(2), R6(1), R6(3)
#undef R2
#undef R4
#undef R6
};

AVX2 int64_t eq_quantize_scalar_codes_avx2(const float *x, int64_t n, int64_t d,
                                           const float *minimums, const float *steps,
                                           float max_code, int nearest, uint8_t xor_mask,
                                           uint8_t *out) {
    const __m256 zero = _mm256_setzero_ps();
    const __m256 top = _mm256_set1_ps(max_code);
    for (int64_t i = 0; i < n; i++) {
        const float *row = x + i * d;
        uint8_t *dst = out + i * d;
        __m256 probe = _mm256_setzero_ps();
        int64_t j = 0;
        for (; j + 8 <= d; j += 8) {
            const __m256 v = _mm256_loadu_ps(row + j);
            probe = _mm256_add_ps(probe, _mm256_sub_ps(v, v));
            __m256 s = _mm256_div_ps(_mm256_sub_ps(v, _mm256_loadu_ps(minimums + j)), _mm256_loadu_ps(steps + j));
            if (nearest) s = _mm256_round_ps(s, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
            s = _mm256_min_ps(_mm256_max_ps(s, zero), top);
            const __m256i codes = _mm256_cvttps_epi32(s);
            const __m128i lo = _mm256_castsi256_si128(codes), hi = _mm256_extracti128_si256(codes, 1);
            const __m128i words = _mm_packus_epi32(lo, hi);
            const __m128i bytes = _mm_xor_si128(_mm_packus_epi16(words, words), _mm_set1_epi8((char)xor_mask));
            _mm_storel_epi64((__m128i *)(dst + j), bytes);
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
        if (_mm256_movemask_ps(_mm256_cmp_ps(probe, probe, _CMP_UNORD_Q)) || rest != rest) return i;
    }
    return -1;
}

AVX2 int64_t eq_pack_signs_avx2(const float *x, int64_t n, int64_t d, uint8_t xor_mask,
                                uint8_t *out) {
    const int64_t width = (d + 7) / 8;
    const __m256 zero = _mm256_setzero_ps();
    for (int64_t i = 0; i < n; i++) {
        const float *row = x + i * d;
        uint8_t *dst = out + i * width;
        __m256 probe = _mm256_setzero_ps();
        int64_t j = 0;
        for (; j + 8 <= d; j += 8) {
            const __m256 v = _mm256_loadu_ps(row + j);
            probe = _mm256_add_ps(probe, _mm256_sub_ps(v, v));
            dst[j / 8] = reversed[_mm256_movemask_ps(_mm256_cmp_ps(v, zero, _CMP_GT_OQ))] ^ xor_mask;
        }
        if (j < d) {
            uint8_t byte = 0;
            float rest = 0.0f;
            for (int64_t b = 0; j + b < d; b++) {
                rest += row[j + b] - row[j + b];
                byte |= (uint8_t)((row[j + b] > 0.0f) << (7 - b));
            }
            dst[j / 8] = byte ^ xor_mask;
            if (rest != rest) return i;
        }
        if (_mm256_movemask_ps(_mm256_cmp_ps(probe, probe, _CMP_UNORD_Q))) return i;
    }
    return -1;
}

AVX2 int64_t eq_pack_ternary_avx2(const float *x, int64_t n, int64_t d, const float *thresholds,
                                  uint8_t *out) {
    const int64_t width = (d + 7) / 8;
    const __m256 sign = _mm256_set1_ps(-0.0f);
    for (int64_t i = 0; i < n; i++) {
        const float *row = x + i * d;
        uint8_t *positive = out + i * 2 * width;
        uint8_t *negative = positive + width;
        __m256 probe = _mm256_setzero_ps();
        int64_t j = 0;
        for (; j + 8 <= d; j += 8) {
            const __m256 v = _mm256_loadu_ps(row + j), t = _mm256_loadu_ps(thresholds + j);
            probe = _mm256_add_ps(probe, _mm256_sub_ps(v, v));
            positive[j / 8] = reversed[_mm256_movemask_ps(_mm256_cmp_ps(v, t, _CMP_GT_OQ))];
            negative[j / 8] = reversed[_mm256_movemask_ps(_mm256_cmp_ps(v, _mm256_xor_ps(t, sign), _CMP_LT_OQ))];
        }
        if (j < d) {
            uint8_t p = 0, m = 0;
            float rest = 0.0f;
            for (int64_t b = 0; j + b < d; b++) {
                const float v = row[j + b], t = thresholds[j + b];
                rest += v - v;
                p |= (uint8_t)((v > t) << (7 - b));
                m |= (uint8_t)((v < -t) << (7 - b));
            }
            positive[j / 8] = p;
            negative[j / 8] = m;
            if (rest != rest) return i;
        }
        if (_mm256_movemask_ps(_mm256_cmp_ps(probe, probe, _CMP_UNORD_Q))) return i;
    }
    return -1;
}

#endif
