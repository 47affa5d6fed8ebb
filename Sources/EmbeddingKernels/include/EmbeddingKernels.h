// EmbeddingKernels: ISA-specific inner loops behind one runtime dispatch.
//
// Every kernel exists as a portable `_scalar` variant and, on x86-64, as `_avx2` and `_avx512`
// variants compiled with per-function target attributes; the unsuffixed entry point picks the
// best variant the running CPU supports (detected once). Each variant is tested against the
// plain-Swift reference in EmbeddingQuantization.
//
// Layouts: matrices are row-major float32 (`n` rows of `d` values). Bit codes are packed
// most-significant bit first within each byte (NumPy `packbits`), zero-padded to whole bytes.
#ifndef EMBEDQ_EMBEDDING_KERNELS_H
#define EMBEDQ_EMBEDDING_KERNELS_H

#include <stdint.h>

#include "RaBitQKernels.h"
#include "SearchKernels.h"
#include "GraphKernels.h"
#include "AsymmetricKernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction-set levels a kernel variant may need.
typedef enum {
    EQ_ISA_SCALAR = 0,  ///< portable C, any CPU
    EQ_ISA_AVX2 = 1,    ///< x86-64 AVX2 + FMA + F16C
    EQ_ISA_AVX512 = 2,  ///< x86-64 AVX-512 F, BW, DQ, VL
} eq_isa;

/// The best level the running CPU supports (detected once, then cached).
eq_isa eq_best_isa(void);

/// Whether the running CPU supports `isa`.
int eq_cpu_supports(eq_isa isa);

/// Scalar (uint8) quantization of `n × d` floats against per-dimension `minimums` and `steps`:
/// `code = clip(floor((x - minimum) / step), 0, max_code)` (`nearest != 0`: round half to even
/// instead of floor), stored as `code ^ xor_mask` in `out` (`n × d` bytes). Float32 arithmetic in
/// exactly that order (subtract, then divide), matching sentence-transformers byte for byte.
///
/// Returns -1 when every value is finite, else the index of the first row holding a NaN or an
/// infinity (rows before it are written; the rest of `out` is unspecified).
int64_t eq_quantize_scalar_codes(const float *x, int64_t n, int64_t d, const float *minimums,
                                 const float *steps, float max_code, int nearest, uint8_t xor_mask,
                                 uint8_t *out);
int64_t eq_quantize_scalar_codes_scalar(const float *x, int64_t n, int64_t d, const float *minimums,
                                        const float *steps, float max_code, int nearest,
                                        uint8_t xor_mask, uint8_t *out);
int64_t eq_quantize_scalar_codes_avx2(const float *x, int64_t n, int64_t d, const float *minimums,
                                      const float *steps, float max_code, int nearest,
                                      uint8_t xor_mask, uint8_t *out);
int64_t eq_quantize_scalar_codes_avx512(const float *x, int64_t n, int64_t d,
                                        const float *minimums, const float *steps, float max_code,
                                        int nearest, uint8_t xor_mask, uint8_t *out);

/// Sign bits: bit = `x > 0` per dimension, `ceil(d / 8)` bytes a row, each byte stored as
/// `packed ^ xor_mask` (0x80 gives sentence-transformers' signed `binary`, 0 gives `ubinary`).
/// Returns -1 or the first row with a non-finite value, as above.
int64_t eq_pack_signs(const float *x, int64_t n, int64_t d, uint8_t xor_mask, uint8_t *out);
int64_t eq_pack_signs_scalar(const float *x, int64_t n, int64_t d, uint8_t xor_mask, uint8_t *out);
int64_t eq_pack_signs_avx2(const float *x, int64_t n, int64_t d, uint8_t xor_mask, uint8_t *out);
int64_t eq_pack_signs_avx512(const float *x, int64_t n, int64_t d, uint8_t xor_mask, uint8_t *out);

/// Ternary bit-planes: per row, `ceil(d / 8)` bytes of `x > t` (the positive plane) followed by
/// `ceil(d / 8)` bytes of `x < -t` (the negative plane), with per-dimension `thresholds` t ≥ 0.
/// Returns -1 or the first row with a non-finite value, as above.
int64_t eq_pack_ternary(const float *x, int64_t n, int64_t d, const float *thresholds, uint8_t *out);
int64_t eq_pack_ternary_scalar(const float *x, int64_t n, int64_t d, const float *thresholds,
                               uint8_t *out);
int64_t eq_pack_ternary_avx512(const float *x, int64_t n, int64_t d, const float *thresholds,
                               uint8_t *out);

#ifdef __cplusplus
}
#endif

#endif
