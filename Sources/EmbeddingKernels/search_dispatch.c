// Runtime detection and unsuffixed entry points of the search kernels.
#include "SearchKernels.h"

static eq_search_isa detect_search_isa(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512vpopcntdq")) {
        return EQ_SEARCH_AVX512;
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("popcnt")) {
        return EQ_SEARCH_AVX2;
    }
#endif
    return EQ_SEARCH_SCALAR;
}

eq_search_isa eq_search_best_isa(void) {
    // Racing first calls compute the same value; a plain int store is benign here.
    static volatile int cached = -1;
    int value = cached;
    if (value < 0) {
        value = (int)detect_search_isa();
        cached = value;
    }
    return (eq_search_isa)value;
}

#define FAST (eq_search_best_isa() == EQ_SEARCH_AVX512)
#define AVX2 (eq_search_best_isa() == EQ_SEARCH_AVX2)

void eq_hamming_blocks(const uint64_t *blocks, int64_t nblocks, int64_t words, const uint64_t *queries,
                       int64_t nq, int32_t *out, int64_t out_stride) {
    if (FAST) eq_hamming_blocks_avx512(blocks, nblocks, words, queries, nq, out, out_stride);
    else if (AVX2) eq_hamming_blocks_avx2(blocks, nblocks, words, queries, nq, out, out_stride);
    else eq_hamming_blocks_scalar(blocks, nblocks, words, queries, nq, out, out_stride);
}

void eq_ternary_blocks(const uint64_t *blocks, int64_t nblocks, int64_t words, const uint64_t *queries,
                       int64_t nq, int32_t *out, int64_t out_stride) {
    if (FAST) eq_ternary_blocks_avx512(blocks, nblocks, words, queries, nq, out, out_stride);
    else if (AVX2) eq_ternary_blocks_avx2(blocks, nblocks, words, queries, nq, out, out_stride);
    else eq_ternary_blocks_scalar(blocks, nblocks, words, queries, nq, out, out_stride);
}

void eq_dot_u8s8_blocks(const uint8_t *blocks, int64_t nblocks, int64_t words, const int8_t *queries,
                        int64_t nq, const int32_t *bias, int32_t *out, int64_t out_stride) {
    if (FAST) eq_dot_u8s8_blocks_avx512(blocks, nblocks, words, queries, nq, bias, out, out_stride);
    else if (AVX2) eq_dot_u8s8_blocks_avx2(blocks, nblocks, words, queries, nq, bias, out, out_stride);
    else eq_dot_u8s8_blocks_scalar(blocks, nblocks, words, queries, nq, bias, out, out_stride);
}

void eq_dot_u4_blocks(const uint8_t *blocks, int64_t nblocks, int64_t words, const int8_t *queries,
                      int64_t nq, int32_t *out, int64_t out_stride) {
    if (FAST) eq_dot_u4_blocks_avx512(blocks, nblocks, words, queries, nq, out, out_stride);
    else if (AVX2) eq_dot_u4_blocks_avx2(blocks, nblocks, words, queries, nq, out, out_stride);
    else eq_dot_u4_blocks_scalar(blocks, nblocks, words, queries, nq, out, out_stride);
}

void eq_dot_float_blocks(const void *blocks, int64_t nblocks, int64_t dim, int format,
                         const float *queries, int64_t nq, float *out, int64_t out_stride) {
    if (FAST) eq_dot_float_blocks_avx512(blocks, nblocks, dim, format, queries, nq, out, out_stride);
    else if (AVX2) eq_dot_float_blocks_avx2(blocks, nblocks, dim, format, queries, nq, out, out_stride);
    else eq_dot_float_blocks_scalar(blocks, nblocks, dim, format, queries, nq, out, out_stride);
}

int64_t eq_select_above_i32(const int32_t *keys, int64_t n, int32_t threshold, int32_t *indices) {
    return FAST ? eq_select_above_i32_avx512(keys, n, threshold, indices)
         : AVX2 ? eq_select_above_i32_avx2(keys, n, threshold, indices)
                : eq_select_above_i32_scalar(keys, n, threshold, indices);
}

int64_t eq_select_above_f32(const float *keys, int64_t n, float threshold, int32_t *indices) {
    return FAST ? eq_select_above_f32_avx512(keys, n, threshold, indices)
         : AVX2 ? eq_select_above_f32_avx2(keys, n, threshold, indices)
                : eq_select_above_f32_scalar(keys, n, threshold, indices);
}
