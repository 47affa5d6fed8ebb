// Unsuffixed entry points: call the best variant for the running CPU.
#include "EmbeddingKernels.h"

int64_t eq_quantize_scalar_codes(const float *x, int64_t n, int64_t d, const float *minimums,
                                 const float *steps, float max_code, int nearest, uint8_t xor_mask,
                                 uint8_t *out) {
    switch (eq_best_isa()) {
    case EQ_ISA_AVX512:
        return eq_quantize_scalar_codes_avx512(x, n, d, minimums, steps, max_code, nearest, xor_mask, out);
    case EQ_ISA_AVX2:
        return eq_quantize_scalar_codes_avx2(x, n, d, minimums, steps, max_code, nearest, xor_mask, out);
    default:
        return eq_quantize_scalar_codes_scalar(x, n, d, minimums, steps, max_code, nearest, xor_mask, out);
    }
}

int64_t eq_pack_signs(const float *x, int64_t n, int64_t d, uint8_t xor_mask, uint8_t *out) {
    switch (eq_best_isa()) {
    case EQ_ISA_AVX512: return eq_pack_signs_avx512(x, n, d, xor_mask, out);
    case EQ_ISA_AVX2: return eq_pack_signs_avx2(x, n, d, xor_mask, out);
    default: return eq_pack_signs_scalar(x, n, d, xor_mask, out);
    }
}

int64_t eq_pack_ternary(const float *x, int64_t n, int64_t d, const float *thresholds, uint8_t *out) {
    switch (eq_best_isa()) {
    case EQ_ISA_AVX512: return eq_pack_ternary_avx512(x, n, d, thresholds, out);
    default: return eq_pack_ternary_scalar(x, n, d, thresholds, out);
    }
}
