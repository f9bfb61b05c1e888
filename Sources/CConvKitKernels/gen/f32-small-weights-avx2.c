// Auto-generated file. Do not edit!
//   Template: Sources/CConvKitKernels/templates/small_weights.c.in
//   Generator: Scripts/generate-kernels.py
#include "../ck_kernel_support.h"
#if defined(__x86_64__)
#include "../vec/ck_vec_avx2.h"

// Weight-gradient kernels for few input channels (CConvKitKernels.h, ck_small_weights): tiles of
// TB taps × NV vectors of 8 output channels over a run of pixels, in segments (the pieces of
// output rows the run covers), each tap's pixels of a segment read in place through a pointer.
// Each element is a chain of FMAs over the run's pixels from zero, then added to dw: the same on
// every instruction set, whatever the tile.

// Segment s holds lengths[s] pixels; tap t's values for them are rows[s · ld_rows + t][0 …].
// dy is (Σ lengths, n) with rows ldy apart, n ≤ 8; dw is (taps, n) with rows lddw apart.
// dw[t, j] += Σ_q a_t[q] · dy[q, j] over the run's pixels q in order.
// `full` (a constant at each call) says n = 8: dy needs no tail loads, whose masks would
// take AVX2 registers the accumulators need.
CKV_INLINE void ck_weights_12x8(long segments, const long *lengths, long n, long taps, const float *const *rows,
                                     long ld_rows, const float *dy, long ldy, float *dw, long lddw, int full) {
    enum { TB = 12, NV = 1 };
    for (long t0 = 0; t0 < taps; t0 += TB) {
        ckv_avx2_f32 acc[TB][NV];
        CK_UNROLL for (int i = 0; i < TB; i++) CK_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = ckv_avx2_f32_zero();
        const float *d = dy;
        for (long s = 0; s < segments; s++) {
            // Taps past the last read tap t0 (computed, never stored).
            const float *a[TB];
            CK_UNROLL for (int i = 0; i < TB; i++) a[i] = rows[s * ld_rows + (t0 + i < taps ? t0 + i : t0)];
            for (long q = 0; q < lengths[s]; q++, d += ldy) {
                __builtin_prefetch(d + 8 * ldy);
                ckv_avx2_f32 dv[NV];
                CK_UNROLL for (int v = 0; v < NV; v++)
                    dv[v] = full ? ckv_avx2_f32_load(d + v * 8) : ckv_avx2_f32_load_tail(d + v * 8, n - v * 8);
                CK_UNROLL for (int i = 0; i < TB; i++) {
                    ckv_avx2_f32 x = ckv_avx2_f32_set1(a[i][q]);
                    CK_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = ckv_avx2_f32_fma(x, dv[v], acc[i][v]);
                }
            }
        }
        CK_UNROLL for (int i = 0; i < TB; i++) {
            if (t0 + i < taps) {
                float *row = dw + (t0 + i) * lddw;
                CK_UNROLL for (int v = 0; v < NV; v++) {
                    long lanes = n - v * 8;
                    ckv_avx2_f32 sum = ckv_avx2_f32_add(ckv_avx2_f32_load_tail(row + v * 8, lanes), acc[i][v]);
                    ckv_avx2_f32_store_tail(row + v * 8, sum, lanes);
                }
            }
        }
    }
}

CKV_TARGET static void ck_f32_small_weights_12x8__avx2(long segments, const long *lengths, long n, long taps,
                                                          const float *const *rows, long ld_rows, const float *dy,
                                                          long ldy, float *dw, long lddw) {
    if (n == 8) ck_weights_12x8(segments, lengths, n, taps, rows, ld_rows, dy, ldy, dw, lddw, 1);
    else ck_weights_12x8(segments, lengths, n, taps, rows, ld_rows, dy, ldy, dw, lddw, 0);
}

// Segment s holds lengths[s] pixels; tap t's values for them are rows[s · ld_rows + t][0 …].
// dy is (Σ lengths, n) with rows ldy apart, n ≤ 8; dw is (taps, n) with rows lddw apart.
// dw[t, j] += Σ_q a_t[q] · dy[q, j] over the run's pixels q in order.
// `full` (a constant at each call) says n = 8: dy needs no tail loads, whose masks would
// take AVX2 registers the accumulators need.
CKV_INLINE void ck_weights_6x8(long segments, const long *lengths, long n, long taps, const float *const *rows,
                                     long ld_rows, const float *dy, long ldy, float *dw, long lddw, int full) {
    enum { TB = 6, NV = 1 };
    for (long t0 = 0; t0 < taps; t0 += TB) {
        ckv_avx2_f32 acc[TB][NV];
        CK_UNROLL for (int i = 0; i < TB; i++) CK_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = ckv_avx2_f32_zero();
        const float *d = dy;
        for (long s = 0; s < segments; s++) {
            // Taps past the last read tap t0 (computed, never stored).
            const float *a[TB];
            CK_UNROLL for (int i = 0; i < TB; i++) a[i] = rows[s * ld_rows + (t0 + i < taps ? t0 + i : t0)];
            for (long q = 0; q < lengths[s]; q++, d += ldy) {
                __builtin_prefetch(d + 8 * ldy);
                ckv_avx2_f32 dv[NV];
                CK_UNROLL for (int v = 0; v < NV; v++)
                    dv[v] = full ? ckv_avx2_f32_load(d + v * 8) : ckv_avx2_f32_load_tail(d + v * 8, n - v * 8);
                CK_UNROLL for (int i = 0; i < TB; i++) {
                    ckv_avx2_f32 x = ckv_avx2_f32_set1(a[i][q]);
                    CK_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = ckv_avx2_f32_fma(x, dv[v], acc[i][v]);
                }
            }
        }
        CK_UNROLL for (int i = 0; i < TB; i++) {
            if (t0 + i < taps) {
                float *row = dw + (t0 + i) * lddw;
                CK_UNROLL for (int v = 0; v < NV; v++) {
                    long lanes = n - v * 8;
                    ckv_avx2_f32 sum = ckv_avx2_f32_add(ckv_avx2_f32_load_tail(row + v * 8, lanes), acc[i][v]);
                    ckv_avx2_f32_store_tail(row + v * 8, sum, lanes);
                }
            }
        }
    }
}

CKV_TARGET static void ck_f32_small_weights_6x8__avx2(long segments, const long *lengths, long n, long taps,
                                                          const float *const *rows, long ld_rows, const float *dy,
                                                          long ldy, float *dw, long lddw) {
    if (n == 8) ck_weights_6x8(segments, lengths, n, taps, rows, ld_rows, dy, ldy, dw, lddw, 1);
    else ck_weights_6x8(segments, lengths, n, taps, rows, ld_rows, dy, ldy, dw, lddw, 0);
}

// Segment s holds lengths[s] pixels; tap t's values for them are rows[s · ld_rows + t][0 …].
// dy is (Σ lengths, n) with rows ldy apart, n ≤ 16; dw is (taps, n) with rows lddw apart.
// dw[t, j] += Σ_q a_t[q] · dy[q, j] over the run's pixels q in order.
// `full` (a constant at each call) says n = 16: dy needs no tail loads, whose masks would
// take AVX2 registers the accumulators need.
CKV_INLINE void ck_weights_6x16(long segments, const long *lengths, long n, long taps, const float *const *rows,
                                     long ld_rows, const float *dy, long ldy, float *dw, long lddw, int full) {
    enum { TB = 6, NV = 2 };
    for (long t0 = 0; t0 < taps; t0 += TB) {
        ckv_avx2_f32 acc[TB][NV];
        CK_UNROLL for (int i = 0; i < TB; i++) CK_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = ckv_avx2_f32_zero();
        const float *d = dy;
        for (long s = 0; s < segments; s++) {
            // Taps past the last read tap t0 (computed, never stored).
            const float *a[TB];
            CK_UNROLL for (int i = 0; i < TB; i++) a[i] = rows[s * ld_rows + (t0 + i < taps ? t0 + i : t0)];
            for (long q = 0; q < lengths[s]; q++, d += ldy) {
                __builtin_prefetch(d + 8 * ldy);
                ckv_avx2_f32 dv[NV];
                CK_UNROLL for (int v = 0; v < NV; v++)
                    dv[v] = full ? ckv_avx2_f32_load(d + v * 8) : ckv_avx2_f32_load_tail(d + v * 8, n - v * 8);
                CK_UNROLL for (int i = 0; i < TB; i++) {
                    ckv_avx2_f32 x = ckv_avx2_f32_set1(a[i][q]);
                    CK_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = ckv_avx2_f32_fma(x, dv[v], acc[i][v]);
                }
            }
        }
        CK_UNROLL for (int i = 0; i < TB; i++) {
            if (t0 + i < taps) {
                float *row = dw + (t0 + i) * lddw;
                CK_UNROLL for (int v = 0; v < NV; v++) {
                    long lanes = n - v * 8;
                    ckv_avx2_f32 sum = ckv_avx2_f32_add(ckv_avx2_f32_load_tail(row + v * 8, lanes), acc[i][v]);
                    ckv_avx2_f32_store_tail(row + v * 8, sum, lanes);
                }
            }
        }
    }
}

CKV_TARGET static void ck_f32_small_weights_6x16__avx2(long segments, const long *lengths, long n, long taps,
                                                          const float *const *rows, long ld_rows, const float *dy,
                                                          long ldy, float *dw, long lddw) {
    if (n == 16) ck_weights_6x16(segments, lengths, n, taps, rows, ld_rows, dy, ldy, dw, lddw, 1);
    else ck_weights_6x16(segments, lengths, n, taps, rows, ld_rows, dy, ldy, dw, lddw, 0);
}

// Segment s holds lengths[s] pixels; tap t's values for them are rows[s · ld_rows + t][0 …].
// dy is (Σ lengths, n) with rows ldy apart, n ≤ 16; dw is (taps, n) with rows lddw apart.
// dw[t, j] += Σ_q a_t[q] · dy[q, j] over the run's pixels q in order.
// `full` (a constant at each call) says n = 16: dy needs no tail loads, whose masks would
// take AVX2 registers the accumulators need.
CKV_INLINE void ck_weights_3x16(long segments, const long *lengths, long n, long taps, const float *const *rows,
                                     long ld_rows, const float *dy, long ldy, float *dw, long lddw, int full) {
    enum { TB = 3, NV = 2 };
    for (long t0 = 0; t0 < taps; t0 += TB) {
        ckv_avx2_f32 acc[TB][NV];
        CK_UNROLL for (int i = 0; i < TB; i++) CK_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = ckv_avx2_f32_zero();
        const float *d = dy;
        for (long s = 0; s < segments; s++) {
            // Taps past the last read tap t0 (computed, never stored).
            const float *a[TB];
            CK_UNROLL for (int i = 0; i < TB; i++) a[i] = rows[s * ld_rows + (t0 + i < taps ? t0 + i : t0)];
            for (long q = 0; q < lengths[s]; q++, d += ldy) {
                __builtin_prefetch(d + 8 * ldy);
                ckv_avx2_f32 dv[NV];
                CK_UNROLL for (int v = 0; v < NV; v++)
                    dv[v] = full ? ckv_avx2_f32_load(d + v * 8) : ckv_avx2_f32_load_tail(d + v * 8, n - v * 8);
                CK_UNROLL for (int i = 0; i < TB; i++) {
                    ckv_avx2_f32 x = ckv_avx2_f32_set1(a[i][q]);
                    CK_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = ckv_avx2_f32_fma(x, dv[v], acc[i][v]);
                }
            }
        }
        CK_UNROLL for (int i = 0; i < TB; i++) {
            if (t0 + i < taps) {
                float *row = dw + (t0 + i) * lddw;
                CK_UNROLL for (int v = 0; v < NV; v++) {
                    long lanes = n - v * 8;
                    ckv_avx2_f32 sum = ckv_avx2_f32_add(ckv_avx2_f32_load_tail(row + v * 8, lanes), acc[i][v]);
                    ckv_avx2_f32_store_tail(row + v * 8, sum, lanes);
                }
            }
        }
    }
}

CKV_TARGET static void ck_f32_small_weights_3x16__avx2(long segments, const long *lengths, long n, long taps,
                                                          const float *const *rows, long ld_rows, const float *dy,
                                                          long ldy, float *dw, long lddw) {
    if (n == 16) ck_weights_3x16(segments, lengths, n, taps, rows, ld_rows, dy, ldy, dw, lddw, 1);
    else ck_weights_3x16(segments, lengths, n, taps, rows, ld_rows, dy, ldy, dw, lddw, 0);
}

typedef void (*ck_small_weights_tile)(long, const long *, long, long, const float *const *, long, const float *, long,
                                      float *, long);

// The tiles for 1 ... 2 vectors of channels: tiles of `tb` taps, and a last one of `half`
// where at most that many are left (a partial tile computes rows it never stores:
// cifar-conv5x5's 75 taps and bias in tiles of 12 computed 84 rows for 76).
static const struct {
    long tb, half;
    ck_small_weights_tile whole, half_tile;
} ck_weights_tiles[2] = {
    {12, 6, ck_f32_small_weights_12x8__avx2, ck_f32_small_weights_6x8__avx2},
    {6, 3, ck_f32_small_weights_6x16__avx2, ck_f32_small_weights_3x16__avx2}
};

CKV_TARGET void ck_f32_small_weights__avx2(long segments, const long *lengths, long n, long taps,
                                            const float *const *rows, long ld_rows, const float *dy, long ldy,
                                            float *dw, long lddw) {
    for (long j0 = 0; j0 < n; j0 += 2 * 8) {
        long nb = n - j0 < 2 * 8 ? n - j0 : 2 * 8;
        long vectors = (nb + 8 - 1) / 8;
        long rest = taps % ck_weights_tiles[vectors - 1].tb;
        long whole = rest > 0 && rest <= ck_weights_tiles[vectors - 1].half ? taps - rest : taps;
        ck_weights_tiles[vectors - 1].whole(segments, lengths, nb, whole, rows, ld_rows, dy + j0, ldy, dw + j0, lddw);
        if (whole < taps)
            ck_weights_tiles[vectors - 1].half_tile(segments, lengths, nb, taps - whole, rows + whole, ld_rows, dy + j0,
                                                    ldy, dw + whole * lddw + j0, lddw);
    }
}
#endif  // defined(__x86_64__)
