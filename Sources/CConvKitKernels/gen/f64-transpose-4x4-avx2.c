// Auto-generated file. Do not edit!
//   Template: Sources/CConvKitKernels/templates/transpose.c.in
//   Generator: Scripts/generate-kernels.py
#include "../ck_kernel_support.h"
#if defined(__x86_64__)
#include "../vec/ck_vec_avx2.h"

#include <stdint.h>

// Transpose of a matrix (CConvKitKernels.h, ck_transpose_f32) in blocks of 4 × 4
// transposed in registers: dst[j · ld_dst + i] = src[i · ld_src + j]. A whole block is gathered
// from memory already half transposed (ckv_avx2_f64_transpose_load: on an AMD EPYC, 32 rows × 128
// columns of 784-element planes took 0.38 → 0.35 µs with AVX-512, 0.54 → 0.31 µs with AVX2);
// a block at an edge loads only the rows and columns that exist and stores only the ones that
// exist. The blocks go down a strip of 4 columns before the next, so that 4 rows of
// dst are written at a time, each from start to end: written across all its rows at once, a
// 51 MB NCHW result with 256 planes went at 2 GB/s (too many streams for the prefetchers to
// fetch the lines ahead). With `stream`, where every row of dst fills whole 64-byte lines,
// whole vectors are stored around the caches: a result larger than the caches is then not read
// before it is written (a 51 MB NCHW-to-NHWC conversion: 12.7 → 4.4 ms on one core).

// A whole block: gathered half transposed, stored whole (around the caches with `stream`).
CKV_INLINE void ck_transpose_whole(const double *src, long ld_src, double *dst, long ld_dst, int stream) {
    ckv_avx2_f64 v[4];
    ckv_avx2_f64_transpose_load(v, src, ld_src);
    if (stream) {
        CK_UNROLL for (int j = 0; j < 4; j++) ckv_avx2_f64_store_stream(dst + j * ld_dst, v[j]);
    } else {
        CK_UNROLL for (int j = 0; j < 4; j++) ckv_avx2_f64_store(dst + j * ld_dst, v[j]);
    }
}

// A block at an edge: rl rows and cl columns.
CKV_INLINE void ck_transpose_edge(const double *src, long ld_src, double *dst, long ld_dst, long rl, long cl, int stream) {
    ckv_avx2_f64 v[4];
    CK_UNROLL for (int i = 0; i < 4; i++) v[i] = i < rl ? ckv_avx2_f64_load_tail(src + i * ld_src, cl) : ckv_avx2_f64_zero();
    ckv_avx2_f64_transpose(v);
    CK_UNROLL for (int j = 0; j < 4; j++)
        if (j < cl) {
            if (stream) ckv_avx2_f64_store_stream(dst + j * ld_dst, v[j]);
            else ckv_avx2_f64_store_tail(dst + j * ld_dst, v[j], rl);
        }
}

// The blocks, `stream` a constant at each call (so that a whole block is straight-line code).
CKV_INLINE void ck_transpose_blocks(long rows, long columns, const double *src, long ld_src, double *dst, long ld_dst,
                                    const int stream) {
    for (long j0 = 0; j0 < columns; j0 += 4) {
        long cl = columns - j0 < 4 ? columns - j0 : 4;
        for (long i0 = 0; i0 < rows; i0 += 4) {
            long rl = rows - i0 < 4 ? rows - i0 : 4;
            const double *block = src + i0 * ld_src + j0;
            double *out = dst + j0 * ld_dst + i0;
            if (rl == 4 && cl == 4) ck_transpose_whole(block, ld_src, out, ld_dst, stream);
            else ck_transpose_edge(block, ld_src, out, ld_dst, rl, cl, stream);
        }
    }
}

CKV_TARGET void ck_f64_transpose_4x4__avx2(long rows, long columns, const double *src, long ld_src,
                                                       double *dst, long ld_dst, int stream) {
    long line = 64 / (long)sizeof(double);
    if (stream && ((uintptr_t)dst & 63) == 0 && ld_dst % line == 0 && rows % line == 0 && line % 4 == 0) {
        ck_transpose_blocks(rows, columns, src, ld_src, dst, ld_dst, 1);
        ckv_avx2_fence();
    } else {
        ck_transpose_blocks(rows, columns, src, ld_src, dst, ld_dst, 0);
    }
}
#endif  // defined(__x86_64__)
