// The EmbeddingKernels driver for scripts/test-arm64.sh: every test, non-zero exit on a failure.
// It is plain C, so it also builds and runs natively (the asymmetric part then checks the x86
// variants): clang -O2 -ISources/EmbeddingKernels/include -ISources/CPUCapabilities/include
// Tests/arm64/EmbeddingKernels/*.c Sources/EmbeddingKernels/*.c Sources/CPUCapabilities/*.c -lm -lpthread
#include "driver.h"

int main(void) {
    int failed = 0;
    failed |= rabitq_kernels_test();
    failed |= asymmetric_kernels_test();
    return failed;
}
