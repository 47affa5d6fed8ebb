// Asymmetric scans, NEON: the nibble-lookup sums of bit codes (AsymmetricKernels.h). Two q
// registers hold one code byte of the 32 rows of a lookup block; `tbl` looks up both nibbles in
// the query's two tables of that byte (at most 120 each, so their sum fits a byte), and the byte
// sums are widened into four 16-bit counters, folded into 32-bit sums every 256 bytes. Equal to
// the portable variant.
#if defined(__aarch64__)
#include <arm_neon.h>

#include "AsymmetricKernels.h"
#include "asymmetric_lookup_internal.h"

void eq_asym_lookup_bits_neon(const uint8_t *blocks, int64_t nblocks, int64_t words, const uint8_t *tables,
                              int64_t nq, const eq_lookup_finish *finish, float *out, int64_t out_stride,
                              uint8_t *scratch) {
    enum { FOLD = 256 };
    const int64_t bytes = 8 * words;
    const uint8x16_t nibble = vdupq_n_u8(0x0F);
    for (int64_t b = 0; b < nblocks; b += 2) {
        const int halves = nblocks - b >= 2 ? 2 : 1;
        eq_lookup_transpose(blocks + b * words * EQ_BLOCK_ROWS * 8, words, halves, scratch);
        for (int64_t q = 0; q < nq; q++) {
            const uint8_t *table = tables + q * bytes * 32;
            int32_t sums[EQ_LOOKUP_ROWS] = {0};
            for (int64_t start = 0; start < bytes; start += FOLD) {
                const int64_t end = bytes - start > FOLD ? start + FOLD : bytes;
                uint16x8_t acc[4] = {vdupq_n_u16(0), vdupq_n_u16(0), vdupq_n_u16(0), vdupq_n_u16(0)};
                for (int64_t k = start; k < end; k++) {
                    const uint8x16_t high = vld1q_u8(table + eq_lookup_table_offset(k, 0)),
                                    low = vld1q_u8(table + eq_lookup_table_offset(k, 1));
                    for (int h = 0; h < 2; h++) {
                        const uint8x16_t x = vld1q_u8(scratch + k * EQ_LOOKUP_ROWS + 16 * h);
                        const uint8x16_t s = vaddq_u8(vqtbl1q_u8(high, vshrq_n_u8(x, 4)), vqtbl1q_u8(low, vandq_u8(x, nibble)));
                        acc[2 * h] = vaddw_u8(acc[2 * h], vget_low_u8(s));
                        acc[2 * h + 1] = vaddw_high_u8(acc[2 * h + 1], s);
                    }
                }
                for (int i = 0; i < 4; i++) {
                    int32_t *at = sums + 8 * i;
                    vst1q_s32(at, vaddq_s32(vld1q_s32(at), vreinterpretq_s32_u32(vmovl_u16(vget_low_u16(acc[i])))));
                    vst1q_s32(at + 4, vaddq_s32(vld1q_s32(at + 4), vreinterpretq_s32_u32(vmovl_high_u16(acc[i]))));
                }
            }
            eq_lookup_finish_rows(finish, sums, halves * EQ_BLOCK_ROWS, q, b * EQ_BLOCK_ROWS, out + q * out_stride, out);
        }
    }
}
#endif
