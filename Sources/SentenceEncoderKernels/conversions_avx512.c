// Activation conversions, AVX-512: per-token int8 codes (16 lanes: multiply, round to nearest
// even, clamp, +128, narrow) and bfloat16 rounding (integer rounding on the bits). The same
// operations as the portable variant, so the same bytes.
#include "sek_internal.h"

#ifdef SEK_X86
#include <immintrin.h>

SEK_TARGET_AVX512 SEK_INLINE __m128i codes16(__m512 x, __m512 inverse) {
    __m512 q = _mm512_roundscale_ps(_mm512_mul_ps(x, inverse), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    q = _mm512_min_ps(_mm512_max_ps(q, _mm512_set1_ps(-127.0f)), _mm512_set1_ps(127.0f));
    return _mm512_cvtepi32_epi8(_mm512_add_epi32(_mm512_cvtps_epi32(q), _mm512_set1_epi32(128)));
}

SEK_TARGET_AVX512 SEK_INLINE void code_row(const float *x, size_t columns, size_t padded, float inverse, uint8_t *out) {
    const __m512 v = _mm512_set1_ps(inverse);
    size_t j = 0;
    for (; j + 16 <= columns; j += 16) _mm_storeu_si128((__m128i *)(out + j), codes16(_mm512_loadu_ps(x + j), v));
    if (j < columns) {
        const __mmask16 mask = (__mmask16)((1u << (columns - j)) - 1u);
        _mm_mask_storeu_epi8(out + j, mask, codes16(_mm512_maskz_loadu_ps(mask, x + j), v));
    }
    memset(out + columns, 128, padded - columns);
}

SEK_TARGET_AVX512 void sek_quantize_rows_u8_avx512(const float *values, size_t rows, size_t columns,
                                                   size_t padded_columns, uint8_t *codes, float *scales) {
    for (size_t row = 0; row < rows; row++) {
        const float *x = values + row * columns;
        __m512 lanes = _mm512_setzero_ps();
        size_t j = 0;
        for (; j + 16 <= columns; j += 16) lanes = _mm512_max_ps(_mm512_abs_ps(_mm512_loadu_ps(x + j)), lanes);
        if (j < columns) {
            const __mmask16 mask = (__mmask16)((1u << (columns - j)) - 1u);
            lanes = _mm512_max_ps(_mm512_abs_ps(_mm512_maskz_loadu_ps(mask, x + j)), lanes);
        }
        const float maximum = _mm512_reduce_max_ps(lanes);
        const float inverse = maximum > 0.0f ? 127.0f / maximum : 0.0f;
        scales[row] = maximum / 127.0f;
        code_row(x, columns, padded_columns, inverse, codes + row * padded_columns);
    }
}

SEK_TARGET_AVX512 void sek_quantize_rows_u8_fixed_avx512(const float *values, size_t rows, size_t columns,
                                                         size_t padded_columns, float inverse_scale, uint8_t *codes) {
    for (size_t row = 0; row < rows; row++)
        code_row(values + row * columns, columns, padded_columns, inverse_scale, codes + row * padded_columns);
}

SEK_TARGET_AVX512 SEK_INLINE __m256i bf16x16(__m512 x) {
    const __m512i bits = _mm512_castps_si512(x);
    const __m512i magnitude = _mm512_and_si512(bits, _mm512_set1_epi32(0x7FFFFFFF));
    const __mmask16 nan = _mm512_cmpgt_epi32_mask(magnitude, _mm512_set1_epi32(0x7F800000));
    const __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(bits, 16), _mm512_set1_epi32(1));
    __m512i rounded = _mm512_srli_epi32(_mm512_add_epi32(bits, _mm512_add_epi32(lsb, _mm512_set1_epi32(0x7FFF))), 16);
    rounded = _mm512_mask_or_epi32(rounded, nan, _mm512_srli_epi32(bits, 16), _mm512_set1_epi32(0x40));
    return _mm512_cvtepi32_epi16(rounded);
}

SEK_TARGET_AVX512 void sek_round_rows_bf16_avx512(const float *values, size_t rows, size_t columns,
                                                  size_t padded_columns, uint16_t *output) {
    for (size_t row = 0; row < rows; row++) {
        const float *x = values + row * columns;
        uint16_t *out = output + row * padded_columns;
        size_t j = 0;
        for (; j + 16 <= columns; j += 16) _mm256_storeu_si256((__m256i *)(out + j), bf16x16(_mm512_loadu_ps(x + j)));
        if (j < columns) {
            const __mmask16 mask = (__mmask16)((1u << (columns - j)) - 1u);
            _mm256_mask_storeu_epi16(out + j, mask, bf16x16(_mm512_maskz_loadu_ps(mask, x + j)));
        }
        for (j = columns; j < padded_columns; j++) out[j] = 0;
    }
}
#endif
