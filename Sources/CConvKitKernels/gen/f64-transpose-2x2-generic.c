// Auto-generated file. Do not edit!
//   Template: Sources/CConvKitKernels/templates/transpose.c.in
//   Generator: Scripts/generate-kernels.py
#include "../ck_kernel_support.h"
#include "../vec/ck_vec_generic.h"

#include <stdint.h>

// Transpose of a matrix (CConvKitKernels.h, ck_transpose_f32) in blocks of 2 × 2
// transposed in registers: dst[j · ld_dst + i] = src[i · ld_src + j]. A block at an edge loads
// only the rows and columns that exist and stores only the ones that exist. The blocks go down
// a strip of 2 columns before the next, so that 2 rows of dst are written at a time,
// each from start to end: written across all its rows at once, a 51 MB NCHW result with 256
// planes went at 2 GB/s (too many streams for the prefetchers to fetch the lines ahead).
// With `stream`, where every row of dst fills whole 64-byte lines, whole vectors are stored
// around the caches: a result larger than the caches is then not read before it is written
// (a 51 MB NCHW-to-NHWC conversion: 12.7 → 4.4 ms on one core).
CKV_TARGET void ck_f64_transpose_2x2__generic(long rows, long columns, const double *src, long ld_src,
                                                       double *dst, long ld_dst, int stream) {
    long line = 64 / (long)sizeof(double);
    stream = stream && ((uintptr_t)dst & 63) == 0 && ld_dst % line == 0 && rows % line == 0 && line % 2 == 0;
    for (long j0 = 0; j0 < columns; j0 += 2) {
        long cl = columns - j0 < 2 ? columns - j0 : 2;
        for (long i0 = 0; i0 < rows; i0 += 2) {
            long rl = rows - i0 < 2 ? rows - i0 : 2;
            ckv_generic_f64 v[2];
            CK_UNROLL for (int i = 0; i < 2; i++)
                v[i] = i < rl ? ckv_generic_f64_load_tail(src + (i0 + i) * ld_src + j0, cl) : ckv_generic_f64_zero();
            ckv_generic_f64_transpose(v);
            CK_UNROLL for (int j = 0; j < 2; j++)
                if (j < cl) {
                    if (stream) ckv_generic_f64_store_stream(dst + (j0 + j) * ld_dst + i0, v[j]);
                    else ckv_generic_f64_store_tail(dst + (j0 + j) * ld_dst + i0, v[j], rl);
                }
        }
    }
    if (stream) ckv_generic_fence();
}
