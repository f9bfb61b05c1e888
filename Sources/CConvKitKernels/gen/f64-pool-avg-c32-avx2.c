// Auto-generated file. Do not edit!
//   Template: Sources/CConvKitKernels/templates/pool_avg.c.in
//   Generator: Scripts/generate-kernels.py
#include "../ck_kernel_support.h"
#if defined(__x86_64__)
#include "../vec/ck_vec_avx2.h"

// Average pooling of one NHWC output row (ck_pool.h, ck_pool_avg_row_f32) in steps of 8
// vectors of 4 channels: each window's taps summed in registers in scan order from 0,
// then one division (or multiplication by the exact reciprocal of a power of two) per vector.
// A row's windows come in runs that share their taps and divisor (all but the padded ones at
// the ends), read at constant steps from each window row: no table of tap pointers.
// Input rows are read as several interleaved streams (one per window row). With `ahead` (not 0:
// only for inputs that come from memory), window j's columns `ahead` elements past each window
// row, the same window of the next output row, are prefetched into L2 (locality 2, prefetcht1)
// while this row is computed: a whole row ahead, the prefetches have time to arrive, where
// window j + 8 of the same row (the earlier distance) left the loads waiting on memory
// (maxpool2-112, AMD EPYC (Zen 4), AVX-512, one thread, C harness, three interleaved runs: 3.0–4.2
// → 2.0–2.4 ms; maxpool3s2-112 3.1 → 2.8–2.9). From L3 prefetches cost more than they save
// (a 6 MB average pooling: 84 µs without, 101 µs with).
CKV_INLINE void ck_window_prefetch(const double *const *x_rows, long rows, const long *cols, long j, long c, long dw,
                                   long ahead) {
    const long *w = cols + 4 * j;
    long first = (w[0] + w[1] * dw) * c + ahead, end = (w[0] + (w[2] - 1) * dw + 1) * c + ahead;
    for (long k = 0; k < rows; k++) {
        for (long e = first; e < end; e += 64 / (long)sizeof(double)) __builtin_prefetch(x_rows[k] + e, 0, 2);
    }
}
// Stores the `left` lanes of v at p: around the caches with `stream` when v is whole.
CKV_INLINE void ck_store_result(double *p, ckv_avx2_f64 v, long left, int stream) {
    if (stream && left >= 4) ckv_avx2_f64_store_stream(p, v);
    else ckv_avx2_f64_store_tail(p, v, left);
}

// Channels ch ..< ch + min(left, nv · 4) of one window: `rows` × `taps` taps, tap t of row
// k at x_rows[k] + first + t · step. nv, and rows and taps for the full 2 × 2 and 3 × 3 windows,
// are constants at each call, so that the loops unroll.
CKV_INLINE void ck_avg_vectors(const double *const *x_rows, const long rows, const long taps, long first, long step,
                               long ch, const int nv, long left, ckv_avx2_f64 divisor, int exact, double *out, int stream) {
    ckv_avx2_f64 sum[8];
    CK_UNROLL for (int v = 0; v < nv; v++) sum[v] = ckv_avx2_f64_zero();
    for (long k = 0; k < rows; k++) {
        const double *p = x_rows[k] + first + ch;
        for (long t = 0; t < taps; t++, p += step) {
            CK_UNROLL for (int v = 0; v < nv; v++)
                sum[v] = ckv_avx2_f64_add(sum[v], ckv_avx2_f64_load_tail(p + v * 4, left - v * 4));
        }
    }
    CK_UNROLL for (int v = 0; v < nv; v++) {
        ckv_avx2_f64 mean = exact ? ckv_avx2_f64_mul(sum[v], divisor) : ckv_avx2_f64_div(sum[v], divisor);
        ck_store_result(out + ch + v * 4, mean, left - v * 4, stream);
    }
}

// Windows j0 ..< j1 of a run, window j's taps from element first + (j − j0) · advance of each row.
CKV_INLINE void ck_avg_run(const double *const *x_rows, const long rows, const long taps, long first, long advance,
                           long j0, long j1, const long *cols, long c, long dw, double d, int exact, double *out,
                           int stream, long ahead) {
    ckv_avx2_f64 divisor = ckv_avx2_f64_set1(exact ? (double)1 / d : d);
    for (long j = j0; j < j1; j++, first += advance) {
        if (ahead) ck_window_prefetch(x_rows, rows, cols, j, c, dw, ahead);
        double *o = out + j * c;
        long ch = 0;
        for (; ch + 32 <= c; ch += 32) ck_avg_vectors(x_rows, rows, taps, first, dw * c, ch, 8, 32, divisor, exact, o, stream);
        for (; ch < c; ch += 4) ck_avg_vectors(x_rows, rows, taps, first, dw * c, ch, 1, c - ch, divisor, exact, o, stream);
    }
}

CKV_TARGET void ck_f64_pool_avg_c32__avx2(const double *const *x_rows, long rows, const long *cols, long q, long c,
                                                 long dw, long row_count, long divisor_override, double *out, int stream,
                                                 long ahead) {
    for (long j0 = 0, j1; j0 < q; j0 = j1) {
        // The run: the windows after j0 with its taps and divisor, each `advance` elements on.
        const long *w = cols + 4 * j0;
        long advance = j0 + 1 < q ? (w[4] - w[0]) * c : 0;
        for (j1 = j0 + 1; j1 < q; j1++) {
            const long *v = cols + 4 * j1;
            if (v[1] != w[1] || v[2] != w[2] || v[3] != w[3] || (v[0] - v[-4]) * c != advance) break;
        }
        long first = (w[0] + w[1] * dw) * c, taps = w[2] - w[1];
        long divisor = divisor_override > 0 ? divisor_override : row_count * w[3];
        int exact = divisor > 0 && (divisor & (divisor - 1)) == 0;
        double d = (double)divisor;
        if (rows == 2 && taps == 2) ck_avg_run(x_rows, 2, 2, first, advance, j0, j1, cols, c, dw, d, exact, out, stream, ahead);
        else if (rows == 3 && taps == 3) ck_avg_run(x_rows, 3, 3, first, advance, j0, j1, cols, c, dw, d, exact, out, stream, ahead);
        else ck_avg_run(x_rows, rows, taps, first, advance, j0, j1, cols, c, dw, d, exact, out, stream, ahead);
    }
    if (stream) ckv_avx2_fence();
}
#endif  // defined(__x86_64__)
