// The attention products QKᵀ and P·V of one head through the table's fp32 GEMM: K (scaled) and
// V are packed into the GEMM's panels in the thread's scratch, which costs keys × head_size
// copies against rows × keys × head_size multiply-adds.
#include "sek_internal.h"

void sek_attention_scores(const sek_kernel_table *table, const float *q, size_t ldq, const float *k, size_t ldk,
                          size_t rows, size_t keys, size_t head_size, float scale, float *scores, size_t ld_scores) {
    if (rows == 0 || keys == 0) return;
    float *scratch = sek_scratch(SEK_SCRATCH_ATTENTION, sek_f32_packed_count(keys, head_size) * sizeof(float) + 16);
    if (!scratch) return;
    // Output columns are keys: panel p holds keys 32p ..< 32p + 32, per input t the 32 values
    // scale · k[key][t].
    const size_t panels = (keys + SEK_F32_PANEL - 1) / SEK_F32_PANEL;
    for (size_t p = 0; p < panels; p++) {
        float *panel = scratch + p * SEK_F32_PANEL * head_size;
        for (size_t j = 0; j < SEK_F32_PANEL; j++) {
            const size_t key = p * SEK_F32_PANEL + j;
            if (key < keys) {
                const float *source = k + key * ldk;
                for (size_t t = 0; t < head_size; t++) panel[t * SEK_F32_PANEL + j] = scale * source[t];
            } else {
                for (size_t t = 0; t < head_size; t++) panel[t * SEK_F32_PANEL + j] = 0.0f;
            }
        }
    }
    table->gemm_f32(q, ldq, scratch, NULL, scores, ld_scores, rows, keys, head_size);
}

void sek_attention_context(const sek_kernel_table *table, const float *p, size_t ldp, const float *v, size_t ldv,
                           size_t rows, size_t keys, size_t head_size, float *context, size_t ld_context) {
    if (rows == 0 || head_size == 0) return;
    float *scratch = sek_scratch(SEK_SCRATCH_ATTENTION, sek_f32_packed_count(head_size, keys) * sizeof(float) + 16);
    if (!scratch) return;
    // Output columns are the head's values: panel q holds columns 32q ..< 32q + 32 of every key.
    const size_t panels = (head_size + SEK_F32_PANEL - 1) / SEK_F32_PANEL;
    for (size_t q = 0; q < panels; q++) {
        float *panel = scratch + q * SEK_F32_PANEL * keys;
        const size_t c0 = q * SEK_F32_PANEL;
        const size_t count = head_size - c0 < SEK_F32_PANEL ? head_size - c0 : SEK_F32_PANEL;
        for (size_t key = 0; key < keys; key++) {
            float *destination = panel + key * SEK_F32_PANEL;
            memcpy(destination, v + key * ldv + c0, count * sizeof(float));
            for (size_t j = count; j < SEK_F32_PANEL; j++) destination[j] = 0.0f;
        }
    }
    table->gemm_f32(p, ldp, scratch, NULL, context, ld_context, rows, head_size, keys);
}
