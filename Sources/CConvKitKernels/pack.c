// Packing of GEMM operands into the panels the micro-kernels read.
#include "CConvKitKernels.h"
#include <string.h>

void ck_pack_panels(const void *src, long element_size, long ld, long rows, long n, long nr, void *dst) {
    const char *in = src;
    char *out = dst;
    for (long j0 = 0; j0 < n; j0 += nr) {
        long width = (n - j0 < nr ? n - j0 : nr) * element_size, pad = nr * element_size - width;
        for (long p = 0; p < rows; p++, out += nr * element_size) {
            memcpy(out, in + (p * ld + j0) * element_size, (size_t)width);
            if (pad > 0) memset(out + width, 0, (size_t)pad);
        }
    }
}
