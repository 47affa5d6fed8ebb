// Shared by the AVX-512 lookup kernels (asymmetric_lookup_avx512.c, rabitq_windows_avx512.c): the
// finishing step `eq_lookup_finish` on 16 lanes, the same separately rounded float operations as
// `eq_lookup_finish_rows` (asymmetric_lookup_internal.h), so every variant agrees bit for bit.
#ifndef EMBEDQ_LOOKUP_FINISH_AVX512_H
#define EMBEDQ_LOOKUP_FINISH_AVX512_H

#if defined(__x86_64__)
#include <immintrin.h>
#include <stdint.h>

#include "AsymmetricKernels.h"

#pragma STDC FP_CONTRACT OFF

#define EQ_FINISH512 static inline __attribute__((always_inline, target("avx512f")))

/// One query's finishing values (`eq_lookup_finish`) on 16 lanes, read once per call of
/// `score_blocks` (stores into the output could otherwise make the compiler reload them).
typedef struct {
    int rabitq, counts;  // RABITQ; and its query 0 (the counts, stored as int32)
    __m512i offset;
    __m512 scale, low, constant;
    const float *row_scales;
} lanes_finish;

EQ_FINISH512 lanes_finish finish_lanes(const eq_lookup_finish *finish, int64_t q) {
    lanes_finish f = {0};
    f.rabitq = finish->kind == EQ_LOOKUP_RABITQ;
    f.counts = f.rabitq && q == 0;
    f.offset = _mm512_set1_epi32(finish->offset);
    f.row_scales = finish->row_scales;
    const int64_t at = f.rabitq ? q - 1 : q;
    if (!f.counts) {
        f.scale = _mm512_set1_ps(finish->scales[at]);
        f.constant = _mm512_set1_ps(finish->constants[at]);
        f.low = f.rabitq ? _mm512_set1_ps(finish->lows[at]) : _mm512_setzero_ps();
    }
    return f;
}

/// `eq_lookup_finish_rows` for the 16 rows from row `first` of the call, their sums in `sums`:
/// the same separately rounded operations on 16 lanes.
EQ_FINISH512 void finish_block(const lanes_finish *f, __m512i sums, int64_t first, float *out, const float *counts_row) {
    if (!f->rabitq) {
        const __m512 product = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(sums, f->offset)), f->scale);
        _mm512_storeu_ps(out + first, _mm512_add_ps(product, f->constant));
        return;
    }
    if (f->counts) {
        _mm512_storeu_si512(out + first, sums);
        return;
    }
    const __m512 dot = _mm512_mul_ps(f->scale, _mm512_cvtepi32_ps(sums));
    const __m512 sum = _mm512_mul_ps(f->low, _mm512_cvtepi32_ps(_mm512_loadu_si512(counts_row + first)));
    const __m512 shifted = _mm512_add_ps(_mm512_add_ps(dot, sum), f->constant);
    _mm512_storeu_ps(out + first, _mm512_mul_ps(_mm512_loadu_ps(f->row_scales + first), shifted));
}

#endif
#endif
