// Auto-generated file. Do not edit!
//   Template: Sources/CConvKitKernels/templates/pool_max_backward.c.in
//   Generator: Scripts/generate-kernels.py
#include "../ck_kernel_support.h"
#if defined(__x86_64__)
#include "../vec/ck_vec_avx2.h"

// Max-pooling gradient of one NHWC output row (ck_pool.h, ck_pool_max_backward_row_f32) in steps
// of 4 vectors of 8 channels: for each window and each of its taps, the channels whose
// stored argmax is that tap receive the window's dy, added to dx or, where windows tile the
// input (`assign`), stored as 0 + dy with the other channels set to 0.

// Channels ch ..< ch + min(left, nv · 8) of window j; arg_bytes, nv and assign are
// constants at each call.
CKV_INLINE void ck_backward_vectors(float *const *dx_rows, const long *row_taps, long rows, const long *cols, long j,
                                    long c, long s, long dw, const float *dy, const void *arg, const int arg_bytes,
                                    const int assign, long ch, const int nv, long left) {
    long start = cols[4 * j], lo = cols[4 * j + 1], hi = cols[4 * j + 2];
    ckv_avx2_f32 g[4];
    ckv_avx2_f32_idx a[4];
    CK_UNROLL for (int v = 0; v < nv; v++) {
        long e = j * c + ch + v * 8;
        g[v] = ckv_avx2_f32_load_tail(dy + e, left - v * 8);
        a[v] = ckv_avx2_f32_idx_load((const char *)arg + e * arg_bytes, arg_bytes, left - v * 8);
    }
    for (long k = 0; k < rows; k++) {
        for (long t = lo; t < hi; t++) {
            // in the forward pass tap (k, t) won where the argmax says so, so now it takes dy there:
            ckv_avx2_f32_idx id = ckv_avx2_f32_idx_set1((int)(row_taps[k] * s + t));
            float *target = dx_rows[k] + (start + t * dw) * c + ch;
            CK_UNROLL for (int v = 0; v < nv; v++) {
                long lanes = left - v * 8;
                ckv_avx2_f32 old = assign ? ckv_avx2_f32_zero() : ckv_avx2_f32_load_tail(target + v * 8, lanes);
                ckv_avx2_f32_mask won = ckv_avx2_f32_idx_eq(a[v], id);
                ckv_avx2_f32_store_tail(target + v * 8, ckv_avx2_f32_select(won, old, ckv_avx2_f32_add(old, g[v])), lanes);
            }
        }
    }
}

CKV_INLINE void ck_backward_row(float *const *dx_rows, const long *row_taps, long rows, const long *cols, long q, long c,
                                long s, long dw, const float *dy, const void *arg, const int arg_bytes, const int assign) {
    for (long j = 0; j < q; j++) {
        long ch = 0;
        for (; ch + 32 <= c; ch += 32)
            ck_backward_vectors(dx_rows, row_taps, rows, cols, j, c, s, dw, dy, arg, arg_bytes, assign, ch, 4, 32);
        for (; ch < c; ch += 8)
            ck_backward_vectors(dx_rows, row_taps, rows, cols, j, c, s, dw, dy, arg, arg_bytes, assign, ch, 1, c - ch);
    }
}

CKV_TARGET void ck_f32_pool_max_backward_c32__avx2(float *const *dx_rows, const long *row_taps, long rows,
                                                          const long *cols, long q, long c, long s, long dw,
                                                          const float *dy, const void *arg, int arg_bytes, int assign) {
    if (arg_bytes == 1 && assign) ck_backward_row(dx_rows, row_taps, rows, cols, q, c, s, dw, dy, arg, 1, 1);
    else if (arg_bytes == 1) ck_backward_row(dx_rows, row_taps, rows, cols, q, c, s, dw, dy, arg, 1, 0);
    else if (assign) ck_backward_row(dx_rows, row_taps, rows, cols, q, c, s, dw, dy, arg, 4, 1);
    else ck_backward_row(dx_rows, row_taps, rows, cols, q, c, s, dw, dy, arg, 4, 0);
}
#endif  // defined(__x86_64__)
