// CBLAS from the system OpenBLAS (Debian: libopenblas-dev). Only the calls SentenceEncoder uses.
#include <cblas.h>

// OpenBLAS thread control; declared in OpenBLAS's cblas.h, repeated here so that the module
// builds against any cblas.h that OpenBLAS ships.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
