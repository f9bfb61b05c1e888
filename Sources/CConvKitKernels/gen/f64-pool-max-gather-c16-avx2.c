// Auto-generated file. Do not edit!
//   Template: Sources/CConvKitKernels/templates/pool_max_gather.c.in
//   Generator: Scripts/generate-kernels.py
#include "../ck_kernel_support.h"
#if defined(__x86_64__)
#include "../vec/ck_vec_avx2.h"

// Max-pooling gradient of one NHWC row of dx, gathered (ck_pool.h, ck_pool_max_gather_row_f32),
// in steps of 4 vectors of 4 channels: every element is 0 plus, in window order, the
// dy of each window whose stored argmax is the element's tap in that window, and is written
// once. The vectors of a step go through each window together, sharing its set-up.
// Stores the `left` lanes of v at p: around the caches with `stream` when v is whole.
CKV_INLINE void ck_store_result(double *p, ckv_avx2_f64 v, long left, int stream) {
    if (stream && left >= 4) ckv_avx2_f64_store_stream(p, v);
    else ckv_avx2_f64_store_tail(p, v, left);
}

// Channels ch ..< ch + min(left, nv · 4) of column iw; arg_bytes and nv are constants at each call.
CKV_INLINE void ck_gather_vectors(const double *const *dy_rows, const void *const *arg_rows, const long *row_taps,
                                  long rows, const long *pair, long pairs, long c, long s, const int arg_bytes,
                                  long ch, const int nv, long left, double *o, int stream) {
    ckv_avx2_f64 sum[4];
    CK_UNROLL for (int v = 0; v < nv; v++) sum[v] = ckv_avx2_f64_zero();
    for (long k = 0; k < rows; k++) {
        for (long i = 0; i < pairs; i++) {
            // in the forward pass window (row k, column pair[2i]) took this element as its tap
            // row_taps[k] · s + pair[2i + 1] where its argmax says so, so now it adds that dy:
            long offset = pair[2 * i] * c + ch;
            ckv_avx2_f64_idx tap = ckv_avx2_f64_idx_set1((int)(row_taps[k] * s + pair[2 * i + 1]));
            CK_UNROLL for (int v = 0; v < nv; v++) {
                long e = offset + v * 4, lanes = left - v * 4;
                ckv_avx2_f64_mask won = ckv_avx2_f64_idx_eq(ckv_avx2_f64_idx_load((const char *)arg_rows[k] + e * arg_bytes, arg_bytes, lanes), tap);
                sum[v] = ckv_avx2_f64_select(won, sum[v], ckv_avx2_f64_add(sum[v], ckv_avx2_f64_load_tail(dy_rows[k] + e, lanes)));
            }
        }
    }
    CK_UNROLL for (int v = 0; v < nv; v++) ck_store_result(o + ch + v * 4, sum[v], left - v * 4, stream);
}

CKV_INLINE void ck_gather_row(const double *const *dy_rows, const void *const *arg_rows, const long *row_taps, long rows,
                              const long *column_start, const long *column_pairs, long w, long c, long s,
                              const int arg_bytes, double *dx, int stream) {
    for (long iw = 0; iw < w; iw++) {
        const long *pair = column_pairs + 2 * column_start[iw];
        long pairs = column_start[iw + 1] - column_start[iw];
        double *o = dx + iw * c;
        long ch = 0;
        for (; ch + 16 <= c; ch += 16)
            ck_gather_vectors(dy_rows, arg_rows, row_taps, rows, pair, pairs, c, s, arg_bytes, ch, 4, 16, o, stream);
        for (; ch < c; ch += 4)
            ck_gather_vectors(dy_rows, arg_rows, row_taps, rows, pair, pairs, c, s, arg_bytes, ch, 1, c - ch, o, stream);
    }
}

CKV_TARGET void ck_f64_pool_max_gather_c16__avx2(const double *const *dy_rows, const void *const *arg_rows,
                                                        const long *row_taps, long rows, const long *column_start,
                                                        const long *column_pairs, long w, long c, long s,
                                                        int arg_bytes, double *dx, int stream) {
    if (arg_bytes == 1) ck_gather_row(dy_rows, arg_rows, row_taps, rows, column_start, column_pairs, w, c, s, 1, dx, stream);
    else ck_gather_row(dy_rows, arg_rows, row_taps, rows, column_start, column_pairs, w, c, s, 4, dx, stream);
    if (stream) ckv_avx2_fence();
}
#endif  // defined(__x86_64__)
