// Activation conversions, AVX2: per-token int8 codes (8 lanes: multiply, round to nearest even,
// clamp, +128, packed 32 at a time) and bfloat16 rounding (integer rounding on the bits), scalar
// tails with the portable code. The same operations as the portable variant, so the same bytes.
#include "sek_internal.h"

#ifdef SEK_X86
#include <immintrin.h>

SEK_TARGET_AVX2 SEK_INLINE __m256i codes8(const float *x, __m256 inverse) {
    __m256 q = _mm256_round_ps(_mm256_mul_ps(_mm256_loadu_ps(x), inverse), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    q = _mm256_min_ps(_mm256_max_ps(q, _mm256_set1_ps(-127.0f)), _mm256_set1_ps(127.0f));
    return _mm256_add_epi32(_mm256_cvtps_epi32(q), _mm256_set1_epi32(128));
}

SEK_TARGET_AVX2 SEK_INLINE void code_row(const float *x, size_t columns, size_t padded, float inverse, uint8_t *out) {
    const __m256 v = _mm256_set1_ps(inverse);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    size_t j = 0;
    for (; j + 32 <= columns; j += 32) {
        const __m256i a = _mm256_packs_epi32(codes8(x + j, v), codes8(x + j + 8, v));
        const __m256i b = _mm256_packs_epi32(codes8(x + j + 16, v), codes8(x + j + 24, v));
        _mm256_storeu_si256((__m256i *)(out + j), _mm256_permutevar8x32_epi32(_mm256_packus_epi16(a, b), order));
    }
    for (; j < columns; j++) out[j] = sek_code_scalar(x[j], inverse);
    memset(out + columns, 128, padded - columns);
}

SEK_TARGET_AVX2 void sek_quantize_rows_u8_avx2(const float *values, size_t rows, size_t columns, size_t padded_columns,
                                               uint8_t *codes, float *scales) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    for (size_t row = 0; row < rows; row++) {
        const float *x = values + row * columns;
        __m256 lanes = _mm256_setzero_ps();
        size_t j = 0;
        for (; j + 8 <= columns; j += 8) lanes = _mm256_max_ps(_mm256_andnot_ps(sign, _mm256_loadu_ps(x + j)), lanes);
        float part[8];
        _mm256_storeu_ps(part, lanes);
        float maximum = 0.0f;
        for (int k = 0; k < 8; k++) maximum = fmaxf(maximum, part[k]);
        for (; j < columns; j++) maximum = fmaxf(maximum, fabsf(x[j]));
        const float inverse = maximum > 0.0f ? 127.0f / maximum : 0.0f;
        scales[row] = maximum / 127.0f;
        code_row(x, columns, padded_columns, inverse, codes + row * padded_columns);
    }
}

SEK_TARGET_AVX2 void sek_quantize_rows_u8_fixed_avx2(const float *values, size_t rows, size_t columns,
                                                     size_t padded_columns, float inverse_scale, uint8_t *codes) {
    for (size_t row = 0; row < rows; row++)
        code_row(values + row * columns, columns, padded_columns, inverse_scale, codes + row * padded_columns);
}

SEK_TARGET_AVX2 SEK_INLINE __m256i bf16x8(const float *x) {
    const __m256i bits = _mm256_castps_si256(_mm256_loadu_ps(x));
    const __m256i magnitude = _mm256_and_si256(bits, _mm256_set1_epi32(0x7FFFFFFF));
    const __m256i nan = _mm256_cmpgt_epi32(magnitude, _mm256_set1_epi32(0x7F800000));
    const __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(bits, 16), _mm256_set1_epi32(1));
    const __m256i rounded = _mm256_srli_epi32(_mm256_add_epi32(bits, _mm256_add_epi32(lsb, _mm256_set1_epi32(0x7FFF))), 16);
    const __m256i quiet = _mm256_or_si256(_mm256_srli_epi32(bits, 16), _mm256_set1_epi32(0x40));
    return _mm256_blendv_epi8(rounded, quiet, nan);
}

SEK_TARGET_AVX2 void sek_round_rows_bf16_avx2(const float *values, size_t rows, size_t columns, size_t padded_columns,
                                              uint16_t *output) {
    for (size_t row = 0; row < rows; row++) {
        const float *x = values + row * columns;
        uint16_t *out = output + row * padded_columns;
        size_t j = 0;
        for (; j + 16 <= columns; j += 16) {
            const __m256i packed = _mm256_packus_epi32(bf16x8(x + j), bf16x8(x + j + 8));
            _mm256_storeu_si256((__m256i *)(out + j), _mm256_permute4x64_epi64(packed, 0xD8));
        }
        for (; j < columns; j++) out[j] = sek_round_bf16_scalar(x[j]);
        for (j = columns; j < padded_columns; j++) out[j] = 0;
    }
}
#endif
