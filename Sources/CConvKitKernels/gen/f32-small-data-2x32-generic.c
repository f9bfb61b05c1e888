// Auto-generated file. Do not edit!
//   Template: Sources/CConvKitKernels/templates/small_data.c.in
//   Generator: Scripts/generate-kernels.py
#include "../ck_kernel_support.h"
#include "../vec/ck_vec_generic.h"

// Input-gradient kernel for few input channels (CConvKitKernels.h, ck_small_data), on tiles of
// 2 taps × 8 vectors of 4 pixels (the CK_SMALL_DATA_PIXELS of a call). For each tap, the
// sum over output channels is a chain of FMAs from zero, added to x with the taps in order:
// the same on every instruction set, whatever the tile.

// dyt is (n, CK_SMALL_DATA_PIXELS): the output gradient of count ≤ CK_SMALL_DATA_PIXELS pixels of
// one output row, transposed; wt holds w (taps, n) in blocks of CK_SMALL_DATA_TAPS taps, block b
// as (n, CK_SMALL_DATA_TAPS) at b · n · CK_SMALL_DATA_TAPS, taps past the last zero. x is the
// row's band (as in the forward kernel).
// In the forward pass this was: y[q, j] += x[offsets[t] + q] · w[t, j], so now we have:
// x[offsets[t] + q] += Σ_j w[t, j] · dy[q, j].
CKV_TARGET void ck_f32_small_data_2x32__generic(long count, long n, long taps, const long *offsets,
                                                    const float *wt, const float *dyt, float *x) {
    enum { TB = 2, QV = 8, BLOCK = CK_SMALL_DATA_TAPS, PIXELS = CK_SMALL_DATA_PIXELS };
    _Static_assert(BLOCK % TB == 0 && QV * 4 == PIXELS, "a tile covers part of a block of taps and all pixels");
    for (long t0 = 0; t0 < taps; t0 += TB) {
        ckv_generic_f32 acc[TB][QV];
        CK_UNROLL for (int i = 0; i < TB; i++) CK_UNROLL for (int v = 0; v < QV; v++) acc[i][v] = ckv_generic_f32_zero();
        const float *wp = wt + t0 / BLOCK * n * BLOCK + t0 % BLOCK;
        const float *d = dyt;
        for (long j = 0; j < n; j++, wp += BLOCK, d += PIXELS) {
            ckv_generic_f32 dv[QV];
            CK_UNROLL for (int v = 0; v < QV; v++) dv[v] = ckv_generic_f32_load(d + v * 4);
            CK_UNROLL for (int i = 0; i < TB; i++) {
                ckv_generic_f32 wi = ckv_generic_f32_set1(wp[i]);
                CK_UNROLL for (int v = 0; v < QV; v++) acc[i][v] = ckv_generic_f32_fma(wi, dv[v], acc[i][v]);
            }
        }
        // Taps in order, so overlapping taps add to x in the same order every time.
        CK_UNROLL for (int i = 0; i < TB; i++) {
            if (t0 + i < taps) {
                float *row = x + offsets[t0 + i];
                CK_UNROLL for (int v = 0; v < QV; v++) {
                    long lanes = count - v * 4;
                    ckv_generic_f32 sum = ckv_generic_f32_add(ckv_generic_f32_load_tail(row + v * 4, lanes), acc[i][v]);
                    ckv_generic_f32_store_tail(row + v * 4, sum, lanes);
                }
            }
        }
    }
}
