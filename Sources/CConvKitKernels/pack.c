// Packing of GEMM operands into the panels the micro-kernels read.
#include "CConvKitKernels.h"
#include <string.h>

// A row's piece of a panel: the common widths as constants, so that the copy is inlined.
static inline void copy_piece(char *out, const char *in, size_t width) {
    if (width == 64) memcpy(out, in, 64);
    else if (width == 128) memcpy(out, in, 128);
    else memcpy(out, in, width);
}

// Row by row, each row's pieces into every panel: a row is read from start to end. Panel by
// panel, a piece of every row in turn, B of pointwise-56's NCHW input gradient (256 planes
// 12.5 KB apart) was read a line per plane at a time and its packing took as long as the GEMM.
void ck_pack_panels(const void *src, long element_size, long ld, long rows, long n, long nr, long ld_panel, void *dst) {
    const char *in = src;
    char *out = dst;
    for (long p = 0; p < rows; p++) {
        for (long j0 = 0; j0 < n; j0 += nr) {
            long width = (n - j0 < nr ? n - j0 : nr) * element_size, pad = nr * element_size - width;
            char *piece = out + ((j0 / nr) * ld_panel + p * nr) * element_size;
            copy_piece(piece, in + (p * ld + j0) * element_size, (size_t)width);
            if (pad > 0) memset(piece + width, 0, (size_t)pad);
        }
    }
}
