// Auto-generated file. Do not edit!
//   Template: Sources/CConvKitKernels/templates/pool_max.c.in
//   Generator: Scripts/generate-kernels.py
#include "../ck_kernel_support.h"
#include "../vec/ck_vec_generic.h"

// Max pooling of one NHWC output row (ck_pool.h, ck_pool_max_row_f32) in steps of 4 vectors
// of 2 channels: each window's taps combined in registers, in scan order. The running
// maximum b takes a tap v where v > b, or v is NaN while b is not (the first NaN, else the
// first maximum, wins); the tap's id follows it into the argmax.
// Window j's taps: the rows × (hi − lo) pointers into `x_rows` and their ids row_tap · s + t,
// in scan order; returns how many.
CKV_INLINE long ck_window_taps(const double *const *x_rows, const long *row_taps, long rows, const long *cols, long j,
                               long c, long s, long dw, const double **ptrs, int *ids) {
    long start = cols[4 * j], lo = cols[4 * j + 1], hi = cols[4 * j + 2], n = 0;
    for (long k = 0; k < rows; k++) {
        for (long t = lo; t < hi; t++, n++) {
            ptrs[n] = x_rows[k] + (start + t * dw) * c;
            ids[n] = (int)(row_taps[k] * s + t);
        }
    }
    return n;
}
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
CKV_INLINE void ck_store_result(double *p, ckv_generic_f64 v, long left, int stream) {
    if (stream && left >= 2) ckv_generic_f64_store_stream(p, v);
    else ckv_generic_f64_store_tail(p, v, left);
}
// Tap `tap` (number `id`) into a running maximum `best` and its ids: taken where tap > best, or
// tap is NaN while best is not (the first NaN, else the first maximum, wins). `ordered` (a
// constant at each call) is for taps without NaNs: an ordered compare and a maximum (one
// instruction each) do the same there, and the tap is added to `sum`, whose NaN (a NaN tap, or
// ∞ − ∞) tells that the window must be scanned again unordered. Both give the same bits wherever
// the sum stays a number.
CKV_INLINE void ck_max_take(ckv_generic_f64 *best, ckv_generic_f64_idx *ids, ckv_generic_f64 *sum, ckv_generic_f64 tap, ckv_generic_f64_idx id, const int ordered) {
    if (ordered) {
        *ids = ckv_generic_f64_idx_select(ckv_generic_f64_greater(tap, *best), *ids, id);
        *best = ckv_generic_f64_max(tap, *best);
        *sum = ckv_generic_f64_add(*sum, tap);
    } else {
        ckv_generic_f64_mask take = ckv_generic_f64_max_take(tap, *best);
        *best = ckv_generic_f64_select(take, *best, tap);
        *ids = ckv_generic_f64_idx_select(take, *ids, id);
    }
}

// One scan of a window's `taps` taps over channels ch ..< ch + min(left, nv · 2) into the
// maximum b and its ids a; nv is a constant at each call (independent chains of compare and
// select, whose latency would otherwise bound the loop), and so is `ordered` (ck_max_take): an
// ordered scan returns 0 where the window must be scanned again unordered.
CKV_INLINE int ck_max_scan(const double *const *ptrs, const int *ids, long taps, long ch, const int nv, long left,
                           const int ordered, ckv_generic_f64 *b, ckv_generic_f64_idx *a) {
    ckv_generic_f64 sum[4];
    CK_UNROLL for (int v = 0; v < nv; v++) {
        b[v] = ckv_generic_f64_load_tail(ptrs[0] + ch + v * 2, left - v * 2);
        sum[v] = b[v];
        a[v] = ckv_generic_f64_idx_set1(ids[0]);
    }
    for (long k = 1; k < taps; k++) {
        ckv_generic_f64_idx id = ckv_generic_f64_idx_set1(ids[k]);
        CK_UNROLL for (int v = 0; v < nv; v++) {
            ckv_generic_f64 x = ckv_generic_f64_load_tail(ptrs[k] + ch + v * 2, left - v * 2);
            ck_max_take(&b[v], &a[v], &sum[v], x, id, ordered);
        }
    }
    int whole = 1;
    if (ordered) CK_UNROLL for (int v = 0; v < nv; v++) whole &= !ckv_generic_f64_any_nan(sum[v]);
    return whole;
}

// Channels ch ..< ch + min(left, nv · 2) of one window. Windows of more than 4 taps are
// scanned ordered first (AVX2 maxpool3s2-112 forward, one thread: 6.1 → 5.4 ms); with 4 the sum
// and the check cost more than they save (maxpool2-112: 3.24 → 3.45 ms), unless no argmax is
// kept (`arg_bytes` 0, a constant at each call: the ids' selects then go too).
CKV_INLINE void ck_max_vectors(const double *const *ptrs, const int *ids, long taps, long ch, const int nv, long left,
                               double *out, void *arg, const int arg_bytes, int stream) {
    ckv_generic_f64 b[4];
    ckv_generic_f64_idx a[4];
    if (taps <= 4 && arg_bytes) ck_max_scan(ptrs, ids, taps, ch, nv, left, 0, b, a);
    else if (!ck_max_scan(ptrs, ids, taps, ch, nv, left, 1, b, a)) ck_max_scan(ptrs, ids, taps, ch, nv, left, 0, b, a);
    CK_UNROLL for (int v = 0; v < nv; v++) {
        long e = ch + v * 2;
        ck_store_result(out + e, b[v], left - v * 2, stream);
        if (arg_bytes) ckv_generic_f64_idx_store((char *)arg + e * arg_bytes, arg_bytes, a[v], left - v * 2);
    }
}

// The row's windows; `arg_bytes` a constant at each call.
CKV_INLINE void ck_max_windows(const double *const *x_rows, const long *row_taps, long rows, const long *cols, long q,
                               long c, long s, long dw, double *out, void *arg, const int arg_bytes,
                               const double **tap_pointers, int *tap_ids, int stream, long ahead) {
    for (long j = 0; j < q; j++) {
        long taps = ck_window_taps(x_rows, row_taps, rows, cols, j, c, s, dw, tap_pointers, tap_ids);
        if (ahead) ck_window_prefetch(x_rows, rows, cols, j, c, dw, ahead);
        double *o = out + j * c;
        void *a = arg ? (char *)arg + j * c * arg_bytes : arg;
        long ch = 0;
        for (; ch + 8 <= c; ch += 8) ck_max_vectors(tap_pointers, tap_ids, taps, ch, 4, 8, o, a, arg_bytes, stream);
        for (; ch < c; ch += 2) ck_max_vectors(tap_pointers, tap_ids, taps, ch, 1, c - ch, o, a, arg_bytes, stream);
    }
}

CKV_TARGET void ck_f64_pool_max_c8__generic(const double *const *x_rows, const long *row_taps, long rows,
                                                 const long *cols, long q, long c, long s, long dw, double *out,
                                                 void *arg, int arg_bytes, const double **tap_pointers, int *tap_ids,
                                                 int stream, long ahead) {
    if (arg_bytes == 0) ck_max_windows(x_rows, row_taps, rows, cols, q, c, s, dw, out, arg, 0, tap_pointers, tap_ids, stream, ahead);
    else ck_max_windows(x_rows, row_taps, rows, cols, q, c, s, dw, out, arg, arg_bytes, tap_pointers, tap_ids, stream, ahead);
    if (stream) ckv_generic_fence();
}
