// int8 linear layer, AVX2 without VNNI: 16-bit products with `vpmaddwd`, tiles of up to 6 rows ×
// 8 columns in 12 ymm accumulators.
//
// The activation codes of the call are widened once to signed 16-bit values (code − 128) in the
// thread's scratch; each step of 4 inputs sign-extends 4 + 4 columns of weights (`vpmovsxbw`,
// shared by the tile's rows) and broadcasts a row's 4 activations as one 64-bit lane pattern.
// Each 32-bit lane then holds one column's partial sum over inputs {0, 1} or {2, 3} of every
// step; a horizontal add joins the halves at the end. One `vpmaddwd` per 16 products, and no
// saturation anywhere (|q · w| ≤ 127², pairs ≤ 32 258): exact Int32 sums Σ q · w, the same bits
// as the portable variant. The `vpmaddubsw` route needs a `vpsignb` per 32 products to stay
// saturation-free (|q| times ±w), and measured 15–20 % slower on Zen 4.
#include "sek_internal.h"

#ifdef SEK_X86
#include <immintrin.h>

enum { MR = 6 };

SEK_TARGET_AVX2 SEK_INLINE __m256i lane_mask(size_t count) {
    const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(count > 8 ? 8 : count)), index);
}

// Rows [0, mr) of `a` (16-bit, row stride lda) times the 8 columns whose weights sit at `w` in
// each 64-byte step of their group (the first or second 32 bytes); `count` ≤ 8 columns are written.
SEK_TARGET_AVX2 SEK_INLINE void tile(const int mr, size_t steps, const int16_t *a, size_t lda, const int8_t *w,
                                     const float *a_scales, const float *w_scales, const float *bias, float *c,
                                     size_t ldc, size_t count) {
    __m256i low[MR], high[MR];
    #pragma clang loop unroll(full)
    for (int r = 0; r < mr; r++) low[r] = high[r] = _mm256_setzero_si256();
    for (size_t step = 0; step < steps; step++) {
        const __m256i w0 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(w + step * 64)));
        const __m256i w1 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(w + step * 64 + 16)));
        #pragma clang loop unroll(full)
        for (int r = 0; r < mr; r++) {
            int64_t four;
            memcpy(&four, a + r * lda + step * 4, 8);
            const __m256i q = _mm256_set1_epi64x(four);
            low[r] = _mm256_add_epi32(low[r], _mm256_madd_epi16(q, w0));
            high[r] = _mm256_add_epi32(high[r], _mm256_madd_epi16(q, w1));
        }
    }
    const __m256i mask = lane_mask(count);
    const __m256 s = _mm256_maskload_ps(w_scales, mask);
    const __m256 b = bias ? _mm256_maskload_ps(bias, mask) : _mm256_setzero_ps();
    #pragma clang loop unroll(full)
    for (int r = 0; r < mr; r++) {
        // hadd gives [c0, c1, c4, c5 | c2, c3, c6, c7]; the qword permutation puts c0 … c7 in order.
        const __m256i sums = _mm256_permute4x64_epi64(_mm256_hadd_epi32(low[r], high[r]), 0xD8);
        const __m256 y = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sums), _mm256_mul_ps(_mm256_set1_ps(a_scales[r]), s), b);
        if (count >= 8)
            _mm256_storeu_ps(c + r * ldc, y);
        else
            _mm256_maskstore_ps(c + r * ldc, mask, y);
    }
}

// wide[i] = codes[i] − 128 for `count` codes.
SEK_TARGET_AVX2 static void widen(const uint8_t *codes, size_t count, int16_t *wide) {
    const __m128i offset = _mm_set1_epi8((char)0x80);
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        const __m128i q = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(codes + i)), offset);
        _mm256_storeu_si256((__m256i *)(wide + i), _mm256_cvtepi8_epi16(q));
    }
    for (; i < count; i++) wide[i] = (int16_t)((int32_t)codes[i] - 128);
}

#define SEK_TILE_CASE(n) \
    case n: tile(n, steps, a, padded_inputs, w, s, ws, b, out, ldc, count); break;

SEK_TARGET_AVX2 void sek_gemm_u8s8_avx2(size_t rows, size_t columns, size_t padded_inputs, const uint8_t *codes,
                                        const float *a_scales, const int8_t *packed, const int32_t *corrections,
                                        const float *w_scales, const float *bias, float *c, size_t ldc) {
    const size_t values = rows * padded_inputs;
    int16_t *wide = sek_scratch(SEK_SCRATCH_WIDE_CODES, (values > 0 ? values : 1) * sizeof(int16_t));
    if (!wide) {
        // No memory for the widened codes: the reference gives the same bits.
        sek_gemm_u8s8_portable(rows, columns, padded_inputs, codes, a_scales, packed, corrections, w_scales, bias, c, ldc);
        return;
    }
    widen(codes, values, wide);
    const size_t steps = padded_inputs / 4;
    const size_t halves = (columns + 7) / 8;
    for (size_t half = 0; half < halves; half++) {
        const size_t col = half * 8;
        const size_t count = columns - col < 8 ? columns - col : 8;
        const int8_t *w = packed + (half / 2) * steps * 64 + (half % 2) * 32;
        const float *ws = w_scales + col;
        const float *b = bias ? bias + col : NULL;
        for (size_t row = 0; row < rows; row += MR) {
            const int16_t *a = wide + row * padded_inputs;
            const float *s = a_scales + row;
            float *out = c + row * ldc + col;
            switch (rows - row >= MR ? MR : rows - row) {
                SEK_TILE_CASE(1) SEK_TILE_CASE(2) SEK_TILE_CASE(3) SEK_TILE_CASE(4) SEK_TILE_CASE(5)
                default: tile(MR, steps, a, padded_inputs, w, s, ws, b, out, ldc, count); break;
            }
        }
    }
}
#endif
