// int8 linear layer, AVX-VNNI (VEX `vpdpbusd` on ymm registers): tiles of up to 6 rows × one
// group of 16 columns in 12 ymm accumulators; per step of 4 inputs one 32-bit broadcast per row
// and two 32-byte weight loads. Exact Int32 sums, so the same bits as the portable variant.
#include "sek_internal.h"

#ifdef SEK_X86
#include <immintrin.h>

enum { MR = 6 };

SEK_TARGET_AVXVNNI SEK_INLINE __m256i lane_mask(size_t count) {
    const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(count > 8 ? 8 : count)), index);
}

SEK_TARGET_AVXVNNI SEK_INLINE void tile(const int mr, size_t steps, const uint8_t *a, size_t lda, const int8_t *w,
                                        const float *a_scales, const int32_t *corrections, const float *w_scales,
                                        const float *bias, float *c, size_t ldc, size_t count) {
    __m256i acc0[MR], acc1[MR];
    #pragma clang loop unroll(full)
    for (int r = 0; r < mr; r++) acc0[r] = acc1[r] = _mm256_setzero_si256();
    for (size_t step = 0; step < steps; step++) {
        const __m256i w0 = _mm256_loadu_si256((const __m256i *)(w + step * 64));
        const __m256i w1 = _mm256_loadu_si256((const __m256i *)(w + step * 64 + 32));
        #pragma clang loop unroll(full)
        for (int r = 0; r < mr; r++) {
            int32_t word;
            memcpy(&word, a + r * lda + step * 4, 4);
            const __m256i av = _mm256_set1_epi32(word);
            acc0[r] = _mm256_dpbusd_avx_epi32(acc0[r], av, w0);
            acc1[r] = _mm256_dpbusd_avx_epi32(acc1[r], av, w1);
        }
    }
    const __m256i m0 = lane_mask(count), m1 = lane_mask(count > 8 ? count - 8 : 0);
    const __m256i k0 = _mm256_loadu_si256((const __m256i *)corrections);
    const __m256i k1 = _mm256_loadu_si256((const __m256i *)(corrections + 8));
    const __m256 s0 = _mm256_loadu_ps(w_scales), s1 = _mm256_loadu_ps(w_scales + 8);
    __m256 b0 = _mm256_setzero_ps(), b1 = _mm256_setzero_ps();
    if (bias) {
        b0 = _mm256_maskload_ps(bias, m0);
        b1 = _mm256_maskload_ps(bias + 8, m1);
    }
    #pragma clang loop unroll(full)
    for (int r = 0; r < mr; r++) {
        const __m256 scale = _mm256_set1_ps(a_scales[r]);
        const __m256 y0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(acc0[r], k0)), _mm256_mul_ps(scale, s0), b0);
        const __m256 y1 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(acc1[r], k1)), _mm256_mul_ps(scale, s1), b1);
        if (count >= 16) {
            _mm256_storeu_ps(c + r * ldc, y0);
            _mm256_storeu_ps(c + r * ldc + 8, y1);
        } else {
            _mm256_maskstore_ps(c + r * ldc, m0, y0);
            _mm256_maskstore_ps(c + r * ldc + 8, m1, y1);
        }
    }
}

#define SEK_TILE_CASE(n) \
    case n: tile(n, steps, a, padded_inputs, w, s, k, ws, b, out, ldc, count); break;

SEK_TARGET_AVXVNNI void sek_gemm_u8s8_avxvnni(size_t rows, size_t columns, size_t padded_inputs, const uint8_t *codes,
                                              const float *a_scales, const int8_t *packed, const int32_t *corrections,
                                              const float *w_scales, const float *bias, float *c, size_t ldc) {
    const size_t steps = padded_inputs / 4;
    const size_t groups = (columns + 15) / 16;
    for (size_t group = 0; group < groups; group++) {
        const size_t col = group * 16;
        const size_t count = columns - col < 16 ? columns - col : 16;
        const int8_t *w = packed + group * steps * 64;
        const int32_t *k = corrections + col;
        const float *ws = w_scales + col;
        const float *b = bias ? bias + col : NULL;
        for (size_t row = 0; row < rows; row += MR) {
            const uint8_t *a = codes + row * padded_inputs;
            const float *s = a_scales + row;
            float *out = c + row * ldc + col;
            switch (rows - row >= MR ? MR : rows - row) {
                SEK_TILE_CASE(1) SEK_TILE_CASE(2) SEK_TILE_CASE(3) SEK_TILE_CASE(4) SEK_TILE_CASE(5)
                default: tile(MR, steps, a, padded_inputs, w, s, k, ws, b, out, ldc, count); break;
            }
        }
    }
}
#endif
