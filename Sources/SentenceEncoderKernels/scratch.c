// Per-thread scratch buffers for the kernels and compositions that need working memory
// (activation codes of a row block, widened bf16 activations, packed K / V of an attention
// head): allocated on first use, grown when a call needs more, freed when the thread exits. So
// a hot loop neither calls malloc nor touches fresh pages once its buffers have grown.
#include "sek_internal.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct {
    void *data[SEK_SCRATCH_SLOTS];
    size_t size[SEK_SCRATCH_SLOTS];
} scratch_set;

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void release(void *pointer) {
    scratch_set *set = pointer;
    for (int slot = 0; slot < SEK_SCRATCH_SLOTS; slot++) free(set->data[slot]);
    free(set);
}

static void make_key(void) { (void)pthread_key_create(&scratch_key, release); }

void *sek_scratch(int slot, size_t bytes) {
    pthread_once(&scratch_once, make_key);
    scratch_set *set = pthread_getspecific(scratch_key);
    if (!set) {
        set = calloc(1, sizeof *set);
        if (!set || pthread_setspecific(scratch_key, set) != 0) {
            free(set);
            return NULL;
        }
    }
    if (set->size[slot] < bytes) {
        free(set->data[slot]);
        set->data[slot] = malloc(bytes);
        set->size[slot] = set->data[slot] ? bytes : 0;
    }
    return set->data[slot];
}
