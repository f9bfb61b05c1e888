// Direct kernels for convolutions with few input channels (first layers: C = 1 or 3), where the
// depth of each tap (C) is too short for the GEMM kernels.
//
// The input (or its gradient) is held as a *planar band*: for each padded row, one line per
// channel c and stride residue ρ holding the padded columns ρ, ρ + sw, ρ + 2sw, … So tap
// (r, s, c) of output column q reads `line[q + offset]`: for every tap the pixels of an output
// row are contiguous, and the kernels broadcast them at constant displacements from one pointer.
#include "CConvKitKernels.h"

// The copies run only on the AVX-512 path: let the compiler vectorise them for it.
#if defined(__x86_64__)
#define CK_SMALL_TARGET __attribute__((target("avx512f")))
#else
#define CK_SMALL_TARGET
#endif

CK_SMALL_TARGET void ck_small_pack_band(const float *x, long channels, const long *row_map, long rows, const long *column_map,
                        long columns, long stride, long line, float *band) {
    long row_pitch = channels * stride * line;
    for (long hp = 0; hp < rows; hp++) {
        float *out = band + hp * row_pitch;
        if (row_map[hp] < 0) {
            for (long i = 0; i < row_pitch; i++) out[i] = 0;
            continue;
        }
        const float *source = x + row_map[hp];
        for (long c = 0; c < channels; c++) {
            for (long residue = 0; residue < stride; residue++) {
                float *lane = out + (c * stride + residue) * line;
                long j = 0;
                for (long wp = residue; wp < columns; j++, wp += stride) {
                    long from = column_map[wp];
                    lane[j] = from < 0 ? 0 : source[from + c];
                }
                for (; j < line; j++) lane[j] = 0;
            }
        }
    }
}

CK_SMALL_TARGET void ck_small_unpack_band(const float *band, long channels, long rows, long columns, long top, long left,
                          long stride, long line, long padded_rows, long padded_columns, float *dx) {
    long row_pitch = channels * stride * line;
    for (long h = 0; h < rows; h++) {
        long hp = h + top;
        for (long w = 0; w < columns; w++) {
            long wp = w + left;
            float *out = dx + (h * columns + w) * channels;
            // Positions no tap reaches (past the last window) get no gradient.
            if (hp >= padded_rows || wp >= padded_columns) {
                for (long c = 0; c < channels; c++) out[c] = 0;
                continue;
            }
            const float *lines = band + hp * row_pitch + (wp % stride) * line + wp / stride;
            for (long c = 0; c < channels; c++) out[c] = lines[c * stride * line];
        }
    }
}

CK_SMALL_TARGET void ck_small_pack_taps(const float *x, const long *offsets, long taps, long count, long pitch, float *a) {
    for (long t = 0; t < taps; t++) {
        const float *source = x + offsets[t];
        float *row = a + t * pitch;
        for (long q = 0; q < count; q++) row[q] = source[q];
    }
}

CK_SMALL_TARGET void ck_small_transpose(const float *dy, long count, long n, long ldy, long pitch, float *dyt) {
    for (long j = 0; j < n; j++) {
        float *row = dyt + j * pitch;
        for (long q = 0; q < count; q++) row[q] = dy[q * ldy + j];
        for (long q = count; q < pitch; q++) row[q] = 0;
    }
}

#if defined(__x86_64__)
#include <immintrin.h>
#include "ck_masked.h"

#define CK_UNROLL _Pragma("clang loop unroll(full)")

__attribute__((target("avx512f"))) static inline __mmask16 ck_lanes(long n) {
    return n >= 16 ? (__mmask16)0xFFFF : n <= 0 ? (__mmask16)0 : (__mmask16)((1u << n) - 1);
}

// x is one output row's band (tap t of column q at x[offsets[t] + q]), w is (taps, n) with rows
// ldw apart, bias is (n) or NULL; y is (count, n) with rows ldy apart. n ≤ 16 · NV.
// y[q, j] = bias[j] + Σ_t x[offsets[t] + q] · w[t, j]. Reads up to MR − 1 elements past the
// last pixel of each tap (never stored), so the band needs that much slack.
#define CK_SMALL_FORWARD(MR, NV)                                                                   \
    __attribute__((target("avx512f"))) static void ck_small_forward_##MR##x##NV(                   \
        long count, long n, long taps, const long *offsets, const float *x, const float *w, long ldw, \
        const float *bias, float *y, long ldy) {                                                   \
        __mmask16 mask[NV];                                                                        \
        __m512 b[NV];                                                                              \
        CK_UNROLL for (int v = 0; v < NV; v++) {                                                   \
            mask[v] = ck_lanes(n - 16 * v);                                                        \
            b[v] = bias ? ck_loadu_ps(mask[v], bias + 16 * v) : _mm512_setzero_ps();     \
        }                                                                                          \
        for (long q0 = 0; q0 < count; q0 += MR) {                                                  \
            __m512 acc[MR][NV];                                                                    \
            CK_UNROLL for (int i = 0; i < MR; i++) CK_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = b[v]; \
            const float *wt = w;                                                                   \
            for (long t = 0; t < taps; t++, wt += ldw) {                                           \
                const float *xt = x + offsets[t] + q0;                                             \
                __m512 wv[NV];                                                                     \
                CK_UNROLL for (int v = 0; v < NV; v++) wv[v] = ck_loadu_ps(mask[v], wt + 16 * v); \
                CK_UNROLL for (int i = 0; i < MR; i++) {                                           \
                    __m512 a = _mm512_set1_ps(xt[i]);                                              \
                    CK_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = _mm512_fmadd_ps(a, wv[v], acc[i][v]); \
                }                                                                                  \
            }                                                                                      \
            CK_UNROLL for (int i = 0; i < MR; i++) {                                               \
                if (q0 + i < count) {                                                              \
                    CK_UNROLL for (int v = 0; v < NV; v++)                                         \
                        ck_storeu_ps(mask[v], y + (q0 + i) * ldy + 16 * v, acc[i][v]);    \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
    }

CK_SMALL_FORWARD(24, 1)
CK_SMALL_FORWARD(12, 2)
CK_SMALL_FORWARD(8, 3)
CK_SMALL_FORWARD(6, 4)
CK_SMALL_FORWARD(16, 1)
CK_SMALL_FORWARD(8, 1)
CK_SMALL_FORWARD(8, 2)
CK_SMALL_FORWARD(4, 2)
CK_SMALL_FORWARD(4, 3)
CK_SMALL_FORWARD(3, 4)

// Tiles of MR pixels, the last one of SMALL or MIDDLE pixels where that many are left: a
// partial tile computes pixels it never stores (rows of 28 and 32 pixels in tiles of 12
// computed 36).
#define CK_SMALL_FORWARD_TILES(MR, MIDDLE, SMALL, NV)                                              \
    {                                                                                              \
        long rest = count % MR, whole = count - rest;                                              \
        const float *bj = bias ? bias + j0 : 0;                                                    \
        if (rest > MIDDLE) whole = count;                                                          \
        ck_small_forward_##MR##x##NV(whole, nb, taps, offsets, x, w + j0, ldw, bj, y + j0, ldy);   \
        if (whole < count && rest <= SMALL)                                                        \
            ck_small_forward_##SMALL##x##NV(rest, nb, taps, offsets, x + whole, w + j0, ldw, bj, y + whole * ldy + j0, ldy); \
        else if (whole < count)                                                                    \
            ck_small_forward_##MIDDLE##x##NV(rest, nb, taps, offsets, x + whole, w + j0, ldw, bj, y + whole * ldy + j0, ldy); \
    }

// a is (taps rounded up to TB, count) with rows CK_SMALL_PITCH apart (the packed taps of a run of
// pixels), dy is (count, n) with rows ldy apart, n ≤ 16 · NV; dw is (taps, n) with rows lddw apart.
// dw[t, j] += Σ_q a[t, q] · dy[q, j].
#define CK_SMALL_WEIGHTS(TB, NV)                                                                   \
    __attribute__((target("avx512f"))) static void ck_small_weights_##TB##x##NV(                   \
        long count, long n, long taps, const float *a, const float *dy, long ldy, float *dw, long lddw) { \
        __mmask16 mask[NV];                                                                        \
        CK_UNROLL for (int v = 0; v < NV; v++) mask[v] = ck_lanes(n - 16 * v);                     \
        for (long t0 = 0; t0 < taps; t0 += TB) {                                                   \
            __m512 acc[TB][NV];                                                                    \
            CK_UNROLL for (int i = 0; i < TB; i++) CK_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = _mm512_setzero_ps(); \
            const float *at = a + t0 * CK_SMALL_PITCH;                                             \
            const float *d = dy;                                                                   \
            for (long q = 0; q < count; q++, d += ldy) {                                           \
                _mm_prefetch((const char *)(d + 8 * ldy), _MM_HINT_T0);                            \
                __m512 dv[NV];                                                                     \
                CK_UNROLL for (int v = 0; v < NV; v++) dv[v] = ck_loadu_ps(mask[v], d + 16 * v); \
                CK_UNROLL for (int i = 0; i < TB; i++) {                                           \
                    __m512 x = _mm512_set1_ps(at[i * CK_SMALL_PITCH + q]);                         \
                    CK_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = _mm512_fmadd_ps(x, dv[v], acc[i][v]); \
                }                                                                                  \
            }                                                                                      \
            CK_UNROLL for (int i = 0; i < TB; i++) {                                               \
                if (t0 + i < taps) {                                                               \
                    float *row = dw + (t0 + i) * lddw;                                             \
                    CK_UNROLL for (int v = 0; v < NV; v++) {                                       \
                        __m512 sum = _mm512_add_ps(ck_loadu_ps(mask[v], row + 16 * v), acc[i][v]); \
                        ck_storeu_ps(mask[v], row + 16 * v, sum);                         \
                    }                                                                              \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
    }

CK_SMALL_WEIGHTS(24, 1)
CK_SMALL_WEIGHTS(12, 2)
CK_SMALL_WEIGHTS(8, 3)
CK_SMALL_WEIGHTS(6, 4)
CK_SMALL_WEIGHTS(12, 1)
CK_SMALL_WEIGHTS(6, 2)
CK_SMALL_WEIGHTS(4, 3)
CK_SMALL_WEIGHTS(3, 4)

// Tiles of TB taps, and a last tile of TB / 2 where at most half a tile is left: a partial tile
// computes rows it never stores (cifar-conv5x5's 75 taps and bias in tiles of 12 computed 84
// rows for 76).
#define CK_SMALL_WEIGHTS_TILES(TB, HALF, NV)                                                       \
    {                                                                                              \
        long rest = taps % TB, whole = rest > 0 && rest <= HALF ? taps - rest : taps;              \
        ck_small_weights_##TB##x##NV(count, nb, whole, a, dy + j0, ldy, dw + j0, lddw);            \
        if (whole < taps)                                                                          \
            ck_small_weights_##HALF##x##NV(count, nb, taps - whole, a + whole * CK_SMALL_PITCH, dy + j0, ldy, \
                                                dw + whole * lddw + j0, lddw);                     \
    }

// dyt is (n, 16 · QV): the output gradient of count ≤ 16 · QV pixels of one output row,
// transposed; wt holds w (taps, n) in blocks of TB taps, block b as (n, TB) at b · n · TB, taps
// past the last zero. x is the row's band (as in the forward kernel).
// In the forward pass this was: y[q, j] += x[offsets[t] + q] · w[t, j], so now we have:
// x[offsets[t] + q] += Σ_j w[t, j] · dy[q, j].
#define CK_SMALL_DATA(NAME, TB, QV)                                                                \
    __attribute__((target("avx512f"))) static void NAME(                                           \
        long count, long n, long taps, const long *offsets, const float *wt, const float *dyt, float *x) { \
        __mmask16 mask[QV];                                                                        \
        CK_UNROLL for (int v = 0; v < QV; v++) mask[v] = ck_lanes(count - 16 * v);                 \
        for (long t0 = 0; t0 < taps; t0 += TB) {                                                   \
            __m512 acc[TB][QV];                                                                    \
            CK_UNROLL for (int i = 0; i < TB; i++) CK_UNROLL for (int v = 0; v < QV; v++) acc[i][v] = _mm512_setzero_ps(); \
            const float *wp = wt + t0 * n;                                                         \
            const float *d = dyt;                                                                  \
            for (long j = 0; j < n; j++, wp += TB, d += 16 * QV) {                                 \
                __m512 dv[QV];                                                                     \
                CK_UNROLL for (int v = 0; v < QV; v++) dv[v] = _mm512_loadu_ps(d + 16 * v);        \
                CK_UNROLL for (int i = 0; i < TB; i++) {                                           \
                    __m512 wi = _mm512_set1_ps(wp[i]);                                             \
                    CK_UNROLL for (int v = 0; v < QV; v++) acc[i][v] = _mm512_fmadd_ps(wi, dv[v], acc[i][v]); \
                }                                                                                  \
            }                                                                                      \
            /* Taps in order, so overlapping taps add to x in the same order every time. */        \
            CK_UNROLL for (int i = 0; i < TB; i++) {                                               \
                if (t0 + i < taps) {                                                               \
                    float *row = x + offsets[t0 + i];                                              \
                    CK_UNROLL for (int v = 0; v < QV; v++) {                                       \
                        __m512 sum = _mm512_add_ps(ck_loadu_ps(mask[v], row + 16 * v), acc[i][v]); \
                        ck_storeu_ps(mask[v], row + 16 * v, sum);                         \
                    }                                                                              \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
    }

CK_SMALL_DATA(ck_small_data_tile, CK_SMALL_DATA_TAPS, CK_SMALL_DATA_PIXELS / 16)
#endif

// Tiles of 24 accumulators: NV vectors of output channels, the rest pixels or taps.
// Callers check ck_isa_detect() == CK_ISA_AVX512 first; elsewhere these do nothing.
void ck_small_forward(long count, long n, long taps, const long *offsets, const float *x, const float *w, long ldw,
                      const float *bias, float *y, long ldy) {
#if defined(__x86_64__)
    for (long j0 = 0; j0 < n; j0 += 64) {
        long nb = n - j0 < 64 ? n - j0 : 64;
        switch ((nb + 15) / 16) {
        case 1: CK_SMALL_FORWARD_TILES(24, 16, 8, 1) break;
        case 2: CK_SMALL_FORWARD_TILES(12, 8, 4, 2) break;
        case 3: CK_SMALL_FORWARD_TILES(8, 4, 4, 3) break;
        default: CK_SMALL_FORWARD_TILES(6, 3, 3, 4) break;
        }
    }
#endif
}

void ck_small_weights(long count, long n, long taps, const float *a, const float *dy, long ldy, float *dw, long lddw) {
#if defined(__x86_64__)
    for (long j0 = 0; j0 < n; j0 += 64) {
        long nb = n - j0 < 64 ? n - j0 : 64;
        switch ((nb + 15) / 16) {
        case 1: CK_SMALL_WEIGHTS_TILES(24, 12, 1) break;
        case 2: CK_SMALL_WEIGHTS_TILES(12, 6, 2) break;
        case 3: CK_SMALL_WEIGHTS_TILES(8, 4, 3) break;
        default: CK_SMALL_WEIGHTS_TILES(6, 3, 4) break;
        }
    }
#endif
}

void ck_small_data(long count, long n, long taps, const long *offsets, const float *wt, const float *dyt, float *x) {
#if defined(__x86_64__)
    ck_small_data_tile(count, n, taps, offsets, wt, dyt, x);
#endif
}
