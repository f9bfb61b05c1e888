// Auto-generated file. Do not edit!
//   Template: Sources/CConvKitKernels/templates/small_forward.c.in
//   Generator: Scripts/generate-kernels.py
#include "../ck_kernel_support.h"
#if defined(__x86_64__)
#include "../vec/ck_vec_avx2.h"

// Forward kernels for few input channels over a planar band (small_copy.c.in explains
// the layout; CConvKitKernels.h, ck_small_forward). Tiles of MR pixels × NV vectors of 8
// output channels; each output is a chain of FMAs over the taps in order, starting at the
// bias: the same on every instruction set, whatever the tile.

// x is one output row's band (tap t of column q at x[offsets[t] + q]), w is (taps, n) with rows
// ldw apart, bias is (n) or NULL; y is (count, n) with rows ldy apart; n ≤ 8.
// y[q, j] = bias[j] + Σ_t x[offsets[t] + q] · w[t, j]. Reads up to 12 − 1 elements past the
// last pixel of each tap (never stored), so the band needs that much slack.
// `full` (a constant at each call) says n = 8: the weights need no tail loads, whose masks
// would take AVX2 registers the accumulators need.
CKV_INLINE void ck_forward_12x8(long count, long n, long taps, const long *offsets, const float *x,
                                     const float *w, long ldw, const float *bias, float *y, long ldy, int full) {
    enum { MR = 12, NV = 1 };
    ckv_avx2_f32 b[NV];
    CK_UNROLL for (int v = 0; v < NV; v++) b[v] = bias ? ckv_avx2_f32_load_tail(bias + v * 8, n - v * 8) : ckv_avx2_f32_zero();
    for (long q0 = 0; q0 < count; q0 += MR) {
        ckv_avx2_f32 acc[MR][NV];
        CK_UNROLL for (int i = 0; i < MR; i++) CK_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = b[v];
        const float *wt = w;
        for (long t = 0; t < taps; t++, wt += ldw) {
            const float *xt = x + offsets[t] + q0;
            ckv_avx2_f32 wv[NV];
            CK_UNROLL for (int v = 0; v < NV; v++)
                wv[v] = full ? ckv_avx2_f32_load(wt + v * 8) : ckv_avx2_f32_load_tail(wt + v * 8, n - v * 8);
            CK_UNROLL for (int i = 0; i < MR; i++) {
                ckv_avx2_f32 a = ckv_avx2_f32_set1(xt[i]);
                CK_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = ckv_avx2_f32_fma(a, wv[v], acc[i][v]);
            }
        }
        CK_UNROLL for (int i = 0; i < MR; i++) {
            if (q0 + i < count) {
                CK_UNROLL for (int v = 0; v < NV; v++)
                    ckv_avx2_f32_store_tail(y + (q0 + i) * ldy + v * 8, acc[i][v], n - v * 8);
            }
        }
    }
}

CKV_TARGET static void ck_f32_small_forward_12x8__avx2(long count, long n, long taps, const long *offsets,
                                                          const float *x, const float *w, long ldw,
                                                          const float *bias, float *y, long ldy) {
    if (n == 8) ck_forward_12x8(count, n, taps, offsets, x, w, ldw, bias, y, ldy, 1);
    else ck_forward_12x8(count, n, taps, offsets, x, w, ldw, bias, y, ldy, 0);
}

// x is one output row's band (tap t of column q at x[offsets[t] + q]), w is (taps, n) with rows
// ldw apart, bias is (n) or NULL; y is (count, n) with rows ldy apart; n ≤ 8.
// y[q, j] = bias[j] + Σ_t x[offsets[t] + q] · w[t, j]. Reads up to 8 − 1 elements past the
// last pixel of each tap (never stored), so the band needs that much slack.
// `full` (a constant at each call) says n = 8: the weights need no tail loads, whose masks
// would take AVX2 registers the accumulators need.
CKV_INLINE void ck_forward_8x8(long count, long n, long taps, const long *offsets, const float *x,
                                     const float *w, long ldw, const float *bias, float *y, long ldy, int full) {
    enum { MR = 8, NV = 1 };
    ckv_avx2_f32 b[NV];
    CK_UNROLL for (int v = 0; v < NV; v++) b[v] = bias ? ckv_avx2_f32_load_tail(bias + v * 8, n - v * 8) : ckv_avx2_f32_zero();
    for (long q0 = 0; q0 < count; q0 += MR) {
        ckv_avx2_f32 acc[MR][NV];
        CK_UNROLL for (int i = 0; i < MR; i++) CK_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = b[v];
        const float *wt = w;
        for (long t = 0; t < taps; t++, wt += ldw) {
            const float *xt = x + offsets[t] + q0;
            ckv_avx2_f32 wv[NV];
            CK_UNROLL for (int v = 0; v < NV; v++)
                wv[v] = full ? ckv_avx2_f32_load(wt + v * 8) : ckv_avx2_f32_load_tail(wt + v * 8, n - v * 8);
            CK_UNROLL for (int i = 0; i < MR; i++) {
                ckv_avx2_f32 a = ckv_avx2_f32_set1(xt[i]);
                CK_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = ckv_avx2_f32_fma(a, wv[v], acc[i][v]);
            }
        }
        CK_UNROLL for (int i = 0; i < MR; i++) {
            if (q0 + i < count) {
                CK_UNROLL for (int v = 0; v < NV; v++)
                    ckv_avx2_f32_store_tail(y + (q0 + i) * ldy + v * 8, acc[i][v], n - v * 8);
            }
        }
    }
}

CKV_TARGET static void ck_f32_small_forward_8x8__avx2(long count, long n, long taps, const long *offsets,
                                                          const float *x, const float *w, long ldw,
                                                          const float *bias, float *y, long ldy) {
    if (n == 8) ck_forward_8x8(count, n, taps, offsets, x, w, ldw, bias, y, ldy, 1);
    else ck_forward_8x8(count, n, taps, offsets, x, w, ldw, bias, y, ldy, 0);
}

// x is one output row's band (tap t of column q at x[offsets[t] + q]), w is (taps, n) with rows
// ldw apart, bias is (n) or NULL; y is (count, n) with rows ldy apart; n ≤ 8.
// y[q, j] = bias[j] + Σ_t x[offsets[t] + q] · w[t, j]. Reads up to 4 − 1 elements past the
// last pixel of each tap (never stored), so the band needs that much slack.
// `full` (a constant at each call) says n = 8: the weights need no tail loads, whose masks
// would take AVX2 registers the accumulators need.
CKV_INLINE void ck_forward_4x8(long count, long n, long taps, const long *offsets, const float *x,
                                     const float *w, long ldw, const float *bias, float *y, long ldy, int full) {
    enum { MR = 4, NV = 1 };
    ckv_avx2_f32 b[NV];
    CK_UNROLL for (int v = 0; v < NV; v++) b[v] = bias ? ckv_avx2_f32_load_tail(bias + v * 8, n - v * 8) : ckv_avx2_f32_zero();
    for (long q0 = 0; q0 < count; q0 += MR) {
        ckv_avx2_f32 acc[MR][NV];
        CK_UNROLL for (int i = 0; i < MR; i++) CK_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = b[v];
        const float *wt = w;
        for (long t = 0; t < taps; t++, wt += ldw) {
            const float *xt = x + offsets[t] + q0;
            ckv_avx2_f32 wv[NV];
            CK_UNROLL for (int v = 0; v < NV; v++)
                wv[v] = full ? ckv_avx2_f32_load(wt + v * 8) : ckv_avx2_f32_load_tail(wt + v * 8, n - v * 8);
            CK_UNROLL for (int i = 0; i < MR; i++) {
                ckv_avx2_f32 a = ckv_avx2_f32_set1(xt[i]);
                CK_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = ckv_avx2_f32_fma(a, wv[v], acc[i][v]);
            }
        }
        CK_UNROLL for (int i = 0; i < MR; i++) {
            if (q0 + i < count) {
                CK_UNROLL for (int v = 0; v < NV; v++)
                    ckv_avx2_f32_store_tail(y + (q0 + i) * ldy + v * 8, acc[i][v], n - v * 8);
            }
        }
    }
}

CKV_TARGET static void ck_f32_small_forward_4x8__avx2(long count, long n, long taps, const long *offsets,
                                                          const float *x, const float *w, long ldw,
                                                          const float *bias, float *y, long ldy) {
    if (n == 8) ck_forward_4x8(count, n, taps, offsets, x, w, ldw, bias, y, ldy, 1);
    else ck_forward_4x8(count, n, taps, offsets, x, w, ldw, bias, y, ldy, 0);
}

// x is one output row's band (tap t of column q at x[offsets[t] + q]), w is (taps, n) with rows
// ldw apart, bias is (n) or NULL; y is (count, n) with rows ldy apart; n ≤ 16.
// y[q, j] = bias[j] + Σ_t x[offsets[t] + q] · w[t, j]. Reads up to 6 − 1 elements past the
// last pixel of each tap (never stored), so the band needs that much slack.
// `full` (a constant at each call) says n = 16: the weights need no tail loads, whose masks
// would take AVX2 registers the accumulators need.
CKV_INLINE void ck_forward_6x16(long count, long n, long taps, const long *offsets, const float *x,
                                     const float *w, long ldw, const float *bias, float *y, long ldy, int full) {
    enum { MR = 6, NV = 2 };
    ckv_avx2_f32 b[NV];
    CK_UNROLL for (int v = 0; v < NV; v++) b[v] = bias ? ckv_avx2_f32_load_tail(bias + v * 8, n - v * 8) : ckv_avx2_f32_zero();
    for (long q0 = 0; q0 < count; q0 += MR) {
        ckv_avx2_f32 acc[MR][NV];
        CK_UNROLL for (int i = 0; i < MR; i++) CK_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = b[v];
        const float *wt = w;
        for (long t = 0; t < taps; t++, wt += ldw) {
            const float *xt = x + offsets[t] + q0;
            ckv_avx2_f32 wv[NV];
            CK_UNROLL for (int v = 0; v < NV; v++)
                wv[v] = full ? ckv_avx2_f32_load(wt + v * 8) : ckv_avx2_f32_load_tail(wt + v * 8, n - v * 8);
            CK_UNROLL for (int i = 0; i < MR; i++) {
                ckv_avx2_f32 a = ckv_avx2_f32_set1(xt[i]);
                CK_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = ckv_avx2_f32_fma(a, wv[v], acc[i][v]);
            }
        }
        CK_UNROLL for (int i = 0; i < MR; i++) {
            if (q0 + i < count) {
                CK_UNROLL for (int v = 0; v < NV; v++)
                    ckv_avx2_f32_store_tail(y + (q0 + i) * ldy + v * 8, acc[i][v], n - v * 8);
            }
        }
    }
}

CKV_TARGET static void ck_f32_small_forward_6x16__avx2(long count, long n, long taps, const long *offsets,
                                                          const float *x, const float *w, long ldw,
                                                          const float *bias, float *y, long ldy) {
    if (n == 16) ck_forward_6x16(count, n, taps, offsets, x, w, ldw, bias, y, ldy, 1);
    else ck_forward_6x16(count, n, taps, offsets, x, w, ldw, bias, y, ldy, 0);
}

// x is one output row's band (tap t of column q at x[offsets[t] + q]), w is (taps, n) with rows
// ldw apart, bias is (n) or NULL; y is (count, n) with rows ldy apart; n ≤ 16.
// y[q, j] = bias[j] + Σ_t x[offsets[t] + q] · w[t, j]. Reads up to 4 − 1 elements past the
// last pixel of each tap (never stored), so the band needs that much slack.
// `full` (a constant at each call) says n = 16: the weights need no tail loads, whose masks
// would take AVX2 registers the accumulators need.
CKV_INLINE void ck_forward_4x16(long count, long n, long taps, const long *offsets, const float *x,
                                     const float *w, long ldw, const float *bias, float *y, long ldy, int full) {
    enum { MR = 4, NV = 2 };
    ckv_avx2_f32 b[NV];
    CK_UNROLL for (int v = 0; v < NV; v++) b[v] = bias ? ckv_avx2_f32_load_tail(bias + v * 8, n - v * 8) : ckv_avx2_f32_zero();
    for (long q0 = 0; q0 < count; q0 += MR) {
        ckv_avx2_f32 acc[MR][NV];
        CK_UNROLL for (int i = 0; i < MR; i++) CK_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = b[v];
        const float *wt = w;
        for (long t = 0; t < taps; t++, wt += ldw) {
            const float *xt = x + offsets[t] + q0;
            ckv_avx2_f32 wv[NV];
            CK_UNROLL for (int v = 0; v < NV; v++)
                wv[v] = full ? ckv_avx2_f32_load(wt + v * 8) : ckv_avx2_f32_load_tail(wt + v * 8, n - v * 8);
            CK_UNROLL for (int i = 0; i < MR; i++) {
                ckv_avx2_f32 a = ckv_avx2_f32_set1(xt[i]);
                CK_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = ckv_avx2_f32_fma(a, wv[v], acc[i][v]);
            }
        }
        CK_UNROLL for (int i = 0; i < MR; i++) {
            if (q0 + i < count) {
                CK_UNROLL for (int v = 0; v < NV; v++)
                    ckv_avx2_f32_store_tail(y + (q0 + i) * ldy + v * 8, acc[i][v], n - v * 8);
            }
        }
    }
}

CKV_TARGET static void ck_f32_small_forward_4x16__avx2(long count, long n, long taps, const long *offsets,
                                                          const float *x, const float *w, long ldw,
                                                          const float *bias, float *y, long ldy) {
    if (n == 16) ck_forward_4x16(count, n, taps, offsets, x, w, ldw, bias, y, ldy, 1);
    else ck_forward_4x16(count, n, taps, offsets, x, w, ldw, bias, y, ldy, 0);
}

// x is one output row's band (tap t of column q at x[offsets[t] + q]), w is (taps, n) with rows
// ldw apart, bias is (n) or NULL; y is (count, n) with rows ldy apart; n ≤ 16.
// y[q, j] = bias[j] + Σ_t x[offsets[t] + q] · w[t, j]. Reads up to 2 − 1 elements past the
// last pixel of each tap (never stored), so the band needs that much slack.
// `full` (a constant at each call) says n = 16: the weights need no tail loads, whose masks
// would take AVX2 registers the accumulators need.
CKV_INLINE void ck_forward_2x16(long count, long n, long taps, const long *offsets, const float *x,
                                     const float *w, long ldw, const float *bias, float *y, long ldy, int full) {
    enum { MR = 2, NV = 2 };
    ckv_avx2_f32 b[NV];
    CK_UNROLL for (int v = 0; v < NV; v++) b[v] = bias ? ckv_avx2_f32_load_tail(bias + v * 8, n - v * 8) : ckv_avx2_f32_zero();
    for (long q0 = 0; q0 < count; q0 += MR) {
        ckv_avx2_f32 acc[MR][NV];
        CK_UNROLL for (int i = 0; i < MR; i++) CK_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = b[v];
        const float *wt = w;
        for (long t = 0; t < taps; t++, wt += ldw) {
            const float *xt = x + offsets[t] + q0;
            ckv_avx2_f32 wv[NV];
            CK_UNROLL for (int v = 0; v < NV; v++)
                wv[v] = full ? ckv_avx2_f32_load(wt + v * 8) : ckv_avx2_f32_load_tail(wt + v * 8, n - v * 8);
            CK_UNROLL for (int i = 0; i < MR; i++) {
                ckv_avx2_f32 a = ckv_avx2_f32_set1(xt[i]);
                CK_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = ckv_avx2_f32_fma(a, wv[v], acc[i][v]);
            }
        }
        CK_UNROLL for (int i = 0; i < MR; i++) {
            if (q0 + i < count) {
                CK_UNROLL for (int v = 0; v < NV; v++)
                    ckv_avx2_f32_store_tail(y + (q0 + i) * ldy + v * 8, acc[i][v], n - v * 8);
            }
        }
    }
}

CKV_TARGET static void ck_f32_small_forward_2x16__avx2(long count, long n, long taps, const long *offsets,
                                                          const float *x, const float *w, long ldw,
                                                          const float *bias, float *y, long ldy) {
    if (n == 16) ck_forward_2x16(count, n, taps, offsets, x, w, ldw, bias, y, ldy, 1);
    else ck_forward_2x16(count, n, taps, offsets, x, w, ldw, bias, y, ldy, 0);
}

typedef void (*ck_small_forward_tile)(long, long, long, const long *, const float *, const float *, long,
                                      const float *, float *, long);

// The tiles for 1 ... 2 vectors of channels: whole tiles of `mr` pixels, and a last one of
// `small` or `middle` pixels where that many are left (a partial tile computes pixels it never
// stores: rows of 28 and 32 pixels in tiles of 12 computed 36).
static const struct {
    long mr, middle, small;
    ck_small_forward_tile whole, middle_tile, small_tile;
} ck_forward_tiles[2] = {
    {12, 8, 4, ck_f32_small_forward_12x8__avx2, ck_f32_small_forward_8x8__avx2, ck_f32_small_forward_4x8__avx2},
    {6, 4, 2, ck_f32_small_forward_6x16__avx2, ck_f32_small_forward_4x16__avx2, ck_f32_small_forward_2x16__avx2}
};

CKV_TARGET void ck_f32_small_forward__avx2(long count, long n, long taps, const long *offsets, const float *x,
                                            const float *w, long ldw, const float *bias, float *y, long ldy) {
    for (long j0 = 0; j0 < n; j0 += 2 * 8) {
        long nb = n - j0 < 2 * 8 ? n - j0 : 2 * 8;
        const float *bj = bias ? bias + j0 : 0;
        long vectors = (nb + 8 - 1) / 8;
        long mr = ck_forward_tiles[vectors - 1].mr, rest = count % mr, whole = count - rest;
        if (rest > ck_forward_tiles[vectors - 1].middle) whole = count;
        ck_forward_tiles[vectors - 1].whole(whole, nb, taps, offsets, x, w + j0, ldw, bj, y + j0, ldy);
        if (whole == count) continue;
        ck_small_forward_tile last = rest <= ck_forward_tiles[vectors - 1].small ? ck_forward_tiles[vectors - 1].small_tile
                                                                                : ck_forward_tiles[vectors - 1].middle_tile;
        last(rest, nb, taps, offsets, x + whole, w + j0, ldw, bj, y + whole * ldy + j0, ldy);
    }
}
#endif  // defined(__x86_64__)
