// Auto-generated file. Do not edit!
//   Template: Sources/CConvKitKernels/templates/pool_max_backward.c.in
//   Generator: Scripts/generate-kernels.py
#include "../ck_kernel_support.h"
#include "../vec/ck_vec_generic.h"

// Max-pooling gradient of one NHWC output row (ck_pool.h, ck_pool_max_backward_row_f32) in steps
// of 4 vectors of 2 channels: for each window and each of its taps, the channels whose
// stored argmax is that tap receive the window's dy, added to dx or, where windows tile the
// input (`assign`), stored as 0 + dy with the other channels set to 0.

// Channels ch ..< ch + min(left, nv · 2) of window j; arg_bytes, nv and assign are
// constants at each call.
CKV_INLINE void ck_backward_vectors(double *const *dx_rows, const long *row_taps, long rows, const long *cols, long j,
                                    long c, long s, long dw, const double *dy, const void *arg, const int arg_bytes,
                                    const int assign, long ch, const int nv, long left) {
    long start = cols[4 * j], lo = cols[4 * j + 1], hi = cols[4 * j + 2];
    ckv_generic_f64 g[4];
    ckv_generic_f64_idx a[4];
    CK_UNROLL for (int v = 0; v < nv; v++) {
        long e = j * c + ch + v * 2;
        g[v] = ckv_generic_f64_load_tail(dy + e, left - v * 2);
        a[v] = ckv_generic_f64_idx_load((const char *)arg + e * arg_bytes, arg_bytes, left - v * 2);
    }
    for (long k = 0; k < rows; k++) {
        for (long t = lo; t < hi; t++) {
            // in the forward pass tap (k, t) won where the argmax says so, so now it takes dy there:
            ckv_generic_f64_idx id = ckv_generic_f64_idx_set1((int)(row_taps[k] * s + t));
            double *target = dx_rows[k] + (start + t * dw) * c + ch;
            CK_UNROLL for (int v = 0; v < nv; v++) {
                long lanes = left - v * 2;
                ckv_generic_f64 old = assign ? ckv_generic_f64_zero() : ckv_generic_f64_load_tail(target + v * 2, lanes);
                ckv_generic_f64_mask won = ckv_generic_f64_idx_eq(a[v], id);
                ckv_generic_f64_store_tail(target + v * 2, ckv_generic_f64_select(won, old, ckv_generic_f64_add(old, g[v])), lanes);
            }
        }
    }
}

CKV_INLINE void ck_backward_row(double *const *dx_rows, const long *row_taps, long rows, const long *cols, long q, long c,
                                long s, long dw, const double *dy, const void *arg, const int arg_bytes, const int assign) {
    for (long j = 0; j < q; j++) {
        long ch = 0;
        for (; ch + 8 <= c; ch += 8)
            ck_backward_vectors(dx_rows, row_taps, rows, cols, j, c, s, dw, dy, arg, arg_bytes, assign, ch, 4, 8);
        for (; ch < c; ch += 2)
            ck_backward_vectors(dx_rows, row_taps, rows, cols, j, c, s, dw, dy, arg, arg_bytes, assign, ch, 1, c - ch);
    }
}

CKV_TARGET void ck_f64_pool_max_backward_c8__generic(double *const *dx_rows, const long *row_taps, long rows,
                                                          const long *cols, long q, long c, long s, long dw,
                                                          const double *dy, const void *arg, int arg_bytes, int assign) {
    if (arg_bytes == 1 && assign) ck_backward_row(dx_rows, row_taps, rows, cols, q, c, s, dw, dy, arg, 1, 1);
    else if (arg_bytes == 1) ck_backward_row(dx_rows, row_taps, rows, cols, q, c, s, dw, dy, arg, 1, 0);
    else if (assign) ck_backward_row(dx_rows, row_taps, rows, cols, q, c, s, dw, dy, arg, 4, 1);
    else ck_backward_row(dx_rows, row_taps, rows, cols, q, c, s, dw, dy, arg, 4, 0);
}
