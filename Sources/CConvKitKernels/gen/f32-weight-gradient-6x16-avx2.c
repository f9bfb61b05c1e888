// Auto-generated file. Do not edit!
//   Template: Sources/CConvKitKernels/templates/weight_gradient.c.in
//   Generator: Scripts/generate-kernels.py
#include "../ck_kernel_support.h"
#if defined(__x86_64__)
#include "../vec/ck_vec_avx2.h"

// Weight gradient dW[(tap, c), k] (+)= Σ_p x[p, tap, c] · dy[p, k] (CConvKitKernels.h,
// ck_sgemm_weight_gradient), on an 6 × 16 tile: 6 (tap, channel) rows × 2 vectors of 8
// output channels. The input is read through per-pixel tap pointers and dy in place. Each
// element is a chain of FMAs over the pixels from zero, then added to dW: the same operations
// in the same order on every instruction set.
// Stores row i of an MR × NR tile (NV vectors) into the nr ≤ NR columns at `row`:
// row[j] = (accumulate ? row[j] : 0) + acc[j], the same additions on every instruction set.
CKV_INLINE void ck_store_row(float *row, const ckv_avx2_f32 *acc, long nr, int accumulate) {
    for (int v = 0; v < 2; v++) {
        long lanes = nr - v * 8;
        if (lanes <= 0) break;
        ckv_avx2_f32 sum = acc[v];
        if (accumulate) sum = ckv_avx2_f32_add(ckv_avx2_f32_load_tail(row + v * 8, lanes), sum);
        ckv_avx2_f32_store_tail(row + v * 8, sum, lanes);
    }
}

// One tile over `depth` pixels, into `out`. `full` (a constant at each call) says all NR columns
// exist, so the loads of dy need no tail; `one_tap` says the rows are consecutive channels of one
// tap, read through one pointer a pixel. The sums stay in locals: a store through `out` might
// alias the operands, so the compiler would keep it in memory.
CKV_INLINE void ck_tile(long depth, long taps, const long *tap, const long *channel, int one_tap,
                        const float *const *rows, const float *b, long ldb, long nr, int full, ckv_avx2_f32 out[][2]) {
    ckv_avx2_f32 acc[6][2];
    CK_UNROLL for (int i = 0; i < 6; i++) CK_UNROLL for (int v = 0; v < 2; v++) acc[i][v] = ckv_avx2_f32_zero();
    for (long p = 0; p < depth; p++) {
        const float *bp = b + p * ldb;
        ckv_avx2_f32 bv[2];
        CK_UNROLL for (int v = 0; v < 2; v++)
            bv[v] = full ? ckv_avx2_f32_load(bp + v * 8) : ckv_avx2_f32_load_tail(bp + v * 8, nr - v * 8);
        const float *const *pixel = rows + p * taps;
        const float *a = pixel[tap[0]] + channel[0];
        CK_UNROLL for (int i = 0; i < 6; i++) {
            ckv_avx2_f32 ai = ckv_avx2_f32_set1(one_tap ? a[i] : pixel[tap[i]][channel[i]]);
            CK_UNROLL for (int v = 0; v < 2; v++) acc[i][v] = ckv_avx2_f32_fma(ai, bv[v], acc[i][v]);
        }
    }
    CK_UNROLL for (int i = 0; i < 6; i++) CK_UNROLL for (int v = 0; v < 2; v++) out[i][v] = acc[i][v];
}

// The four variants of a tile as functions of their own, so that each gets its own register
// allocation (inlined together, AVX2 spilled two accumulators inside the pixel loop).
CKV_TARGET __attribute__((noinline)) static void ck_tile_one_tap_full(long depth, long taps, const long *tap,
        const long *channel, const float *const *rows, const float *b, long ldb, long nr, ckv_avx2_f32 acc[][2]) {
    ck_tile(depth, taps, tap, channel, 1, rows, b, ldb, nr, 1, acc);
}
CKV_TARGET __attribute__((noinline)) static void ck_tile_any_full(long depth, long taps, const long *tap,
        const long *channel, const float *const *rows, const float *b, long ldb, long nr, ckv_avx2_f32 acc[][2]) {
    ck_tile(depth, taps, tap, channel, 0, rows, b, ldb, nr, 1, acc);
}
CKV_TARGET __attribute__((noinline)) static void ck_tile_one_tap_tail(long depth, long taps, const long *tap,
        const long *channel, const float *const *rows, const float *b, long ldb, long nr, ckv_avx2_f32 acc[][2]) {
    ck_tile(depth, taps, tap, channel, 1, rows, b, ldb, nr, 0, acc);
}
CKV_TARGET __attribute__((noinline)) static void ck_tile_any_tail(long depth, long taps, const long *tap,
        const long *channel, const float *const *rows, const float *b, long ldb, long nr, ckv_avx2_f32 acc[][2]) {
    ck_tile(depth, taps, tap, channel, 0, rows, b, ldb, nr, 0, acc);
}

CKV_TARGET void ck_f32_weight_gradient_6x16__avx2(long m, long row_base, long n, long depth, long taps,
                                                       long channels, const float *const *rows, const float *b,
                                                       long ldb, float *c, const long *row_offsets, int accumulate) {
    enum { MR = 6, NV = 2, NR = 16 };
    for (long j0 = 0; j0 < n; j0 += NR) {
        long nr = n - j0 < NR ? n - j0 : NR;
        long mr;
        for (long i0 = 0; i0 < m; i0 += mr) {
            mr = m - i0 < MR ? m - i0 : MR;
            // Where a tap has at least MR channels, a tile ends with its tap, so that it reads one
            // pointer a pixel (with MR = 6 and 64 channels, every third tile would straddle two).
            long left = channels - (row_base + i0) % channels;
            if (channels >= MR && left < mr) mr = left;
            // Tap and channel of each row; rows past mr repeat the last (computed, never stored).
            long tap[MR], channel[MR];
            for (int i = 0; i < MR; i++) {
                long row = row_base + i0 + (i < mr ? i : mr - 1);
                tap[i] = row / channels;
                channel[i] = row % channels;
            }
            int one_tap = tap[0] == tap[MR - 1] && channel[MR - 1] - channel[0] == MR - 1;
            ckv_avx2_f32 acc[MR][NV];
            if (nr == NR && one_tap) ck_tile_one_tap_full(depth, taps, tap, channel, rows, b + j0, ldb, nr, acc);
            else if (nr == NR) ck_tile_any_full(depth, taps, tap, channel, rows, b + j0, ldb, nr, acc);
            else if (one_tap) ck_tile_one_tap_tail(depth, taps, tap, channel, rows, b + j0, ldb, nr, acc);
            else ck_tile_any_tail(depth, taps, tap, channel, rows, b + j0, ldb, nr, acc);
            // Constant indices (the loop unrolled, the rows past mr skipped) keep acc in registers.
            CK_UNROLL for (int i = 0; i < MR; i++)
                if (i < mr) ck_store_row(c + row_offsets[i0 + i] + j0, acc[i], nr, accumulate);
        }
    }
}
#endif  // defined(__x86_64__)
