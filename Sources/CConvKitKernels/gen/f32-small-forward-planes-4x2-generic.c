// Auto-generated file. Do not edit!
//   Template: Sources/CConvKitKernels/templates/small_forward_planes.c.in
//   Generator: Scripts/generate-kernels.py
#include "../ck_kernel_support.h"
#include "../vec/ck_vec_generic.h"

// The forward kernel for few input channels with an NCHW result (CConvKitKernels.h,
// ck_small_forward_planes): tiles of 4 output channels × up to 2 vectors of 4 pixels of one
// output row, each channel's pixels stored into its plane. Each output is the chain of
// small_forward.c.in — FMAs over the taps in order, starting at the bias — with the pixels in
// the lanes instead of the channels, so the two kernels give the same bits.

// Channels j0 ..< j0 + 4 (those past n compute channel j0, never stored) × pixels
// q0 ..< q0 + qv · 4 (those past count computed, never stored); qv is a constant at each call.
CKV_INLINE void ck_planes_tile(long count, long n, long taps, const long *offsets, const float *x, const float *w,
                               long ldw, const float *bias, float *y, long ld_plane, long j0, long q0, const int qv) {
    enum { TJ = 4, QV = 2 };
    long column[TJ];
    CK_UNROLL for (int i = 0; i < TJ; i++) column[i] = j0 + i < n ? j0 + i : j0;
    ckv_generic_f32 acc[TJ][QV];
    CK_UNROLL for (int i = 0; i < TJ; i++) {
        ckv_generic_f32 start = bias ? ckv_generic_f32_set1(bias[column[i]]) : ckv_generic_f32_zero();
        CK_UNROLL for (int v = 0; v < qv; v++) acc[i][v] = start;
    }
    const float *wt = w;
    for (long t = 0; t < taps; t++, wt += ldw) {
        const float *xt = x + offsets[t] + q0;
        ckv_generic_f32 xv[QV];
        CK_UNROLL for (int v = 0; v < qv; v++) xv[v] = ckv_generic_f32_load(xt + v * 4);
        CK_UNROLL for (int i = 0; i < TJ; i++) {
            ckv_generic_f32 wv = ckv_generic_f32_set1(wt[column[i]]);
            CK_UNROLL for (int v = 0; v < qv; v++) acc[i][v] = ckv_generic_f32_fma(xv[v], wv, acc[i][v]);
        }
    }
    CK_UNROLL for (int i = 0; i < TJ; i++) {
        if (j0 + i >= n) break;
        CK_UNROLL for (int v = 0; v < qv; v++) {
            long lanes = count - q0 - v * 4;
            if (lanes > 0) ckv_generic_f32_store_tail(y + (j0 + i) * ld_plane + q0 + v * 4, acc[i][v], lanes);
        }
    }
}

// x holds `rows` output rows' bands, ldx apart (tap t of row r, column q at
// x[r · ldx + offsets[t] + q]), w is (taps, n) with rows ldw apart, bias is (n) or NULL;
// y[j · ld_plane + r · count + q] = bias[j] + Σ_t x[r · ldx + offsets[t] + q] · w[t, j] for q < count,
// j < n: the rows of a plane are consecutive. Loads whole vectors, up to 4 − 1 elements past the
// last pixel of a tap (never stored), so the band needs that much slack. The tiles of channels
// go through all the rows before the next, so that 4 planes are written at a time, each from
// start to end: a row at a time across all planes, mnist-conv1's forward pass (32 planes,
// 112-byte rows) into an output not in the caches took 0.92 ms on one core, 0.53 ms this way.
CKV_TARGET void ck_f32_small_forward_planes_4x2__generic(long rows, long count, long n, long taps,
                                                          const long *offsets, const float *x, long ldx,
                                                          const float *w, long ldw, const float *bias, float *y,
                                                          long ld_plane) {
    for (long j0 = 0; j0 < n; j0 += 4) {
        for (long r = 0; r < rows; r++) {
            const float *xr = x + r * ldx;
            float *yr = y + r * count;
            for (long q0 = 0; q0 < count; ) {
                // Whole tiles of 2 vectors, then the vectors the row has left.
                long vectors = (count - q0 + 4 - 1) / 4;
                if (vectors >= 2) {
                    ck_planes_tile(count, n, taps, offsets, xr, w, ldw, bias, yr, ld_plane, j0, q0, 2);
                    q0 += 2 * 4;
                } else if (vectors == 2) {
                    ck_planes_tile(count, n, taps, offsets, xr, w, ldw, bias, yr, ld_plane, j0, q0, 2);
                    q0 += 2 * 4;
                } else {
                    ck_planes_tile(count, n, taps, offsets, xr, w, ldw, bias, yr, ld_plane, j0, q0, 1);
                    q0 += 4;
                }
            }
        }
    }
}
