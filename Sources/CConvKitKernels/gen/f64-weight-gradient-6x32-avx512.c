// Auto-generated file. Do not edit!
//   Template: Sources/CConvKitKernels/templates/weight_gradient.c.in
//   Generator: Scripts/generate-kernels.py
#include "../ck_kernel_support.h"
#if defined(__x86_64__)
#include "../vec/ck_vec_avx512.h"

// Weight gradient dW[(tap, c), k] (+)= Σ_p x[p, tap, c] · dy[p, k] (CConvKitKernels.h,
// ck_sgemm_weight_gradient), on tiles of up to 6 (tap, channel) rows × 4 vectors of 8 output
// channels. The input is read through per-pixel tap pointers, dy from panels of 32 columns
// (zero past n), so every load of dy is a whole vector on a whole line. Given dy's rows, the
// first tile of rows packs the panels as it reads them, while the FMAs keep the other ports busy,
// and the other tiles fetch the next chunk's rows into L2, a share each, so that the next packing
// finds them there (pointwise-56's weight gradient: 6–7 % faster on AVX2, 3 % on AVX-512 at one
// thread, unchanged at two).
// Each element is a chain of FMAs over a piece of CK_WEIGHT_GRADIENT_CHAIN pixels from zero,
// then added to dW: the same operations in the same order on every instruction set, whatever
// the tile.

// Tile mr × nv: mr consecutive channels of one tap (one pointer a pixel) × nv vectors, for
// nr ≤ nv · 8 columns; a function of its own, so that each gets its own register allocation.
// `pack` (a constant at each call): read dy's rows at `source` and store them into the panel.
// `ahead`: `ahead_rows` rows of the next chunk (ld_source apart), fetched into L2 one a step.
CKV_INLINE void ck_tile_body_1x1(long depth, long taps, long tap, long channel, const double *const *rows,
        double *b, const double *source, long ld_source, const double *ahead, long ahead_rows, double *c,
        const long *row_offsets, long nr, int accumulate, int pack) {
    ckv_avx512_f64 acc[1][1];
    CK_UNROLL for (int i = 0; i < 1; i++) CK_UNROLL for (int v = 0; v < 1; v++) acc[i][v] = ckv_avx512_f64_zero();
    for (long p = 0; p < depth; p++) {
        const double *a = rows[p * taps + tap] + channel;
        ckv_avx512_f64 bv[1];
        CK_UNROLL for (int v = 0; v < 1; v++) {
            if (pack) {
                // dy's rows come from memory, ld_source apart: fetch them 16 rows ahead.
                __builtin_prefetch(source + (p + 16) * ld_source + v * 8);
                bv[v] = ckv_avx512_f64_load_tail(source + p * ld_source + v * 8, nr - v * 8);
                ckv_avx512_f64_store(b + p * 32 + v * 8, bv[v]);
            } else {
                if (p < ahead_rows) __builtin_prefetch(ahead + p * ld_source + v * 8, 0, 2);
                bv[v] = ckv_avx512_f64_load(b + p * 32 + v * 8);
            }
        }
        CK_UNROLL for (int i = 0; i < 1; i++) {
            ckv_avx512_f64 ai = ckv_avx512_f64_set1(a[i]);
            CK_UNROLL for (int v = 0; v < 1; v++) acc[i][v] = ckv_avx512_f64_fma(ai, bv[v], acc[i][v]);
        }
    }
    // The sums added to (or stored in) the tile's rows of C: row i at c + row_offsets[i].
    CK_UNROLL for (int i = 0; i < 1; i++) CK_UNROLL for (int v = 0; v < 1; v++) {
        double *out = c + row_offsets[i] + v * 8;
        ckv_avx512_f64 sum = accumulate ? ckv_avx512_f64_add(ckv_avx512_f64_load_tail(out, nr - v * 8), acc[i][v]) : acc[i][v];
        ckv_avx512_f64_store_tail(out, sum, nr - v * 8);
    }
}

CKV_TARGET __attribute__((noinline)) static void ck_tile_1x1(long depth, long taps, long tap, long channel,
        const double *const *rows, double *b, const double *source, long ld_source, const double *ahead, long ahead_rows,
        double *c, const long *row_offsets, long nr, int accumulate) {
    if (source)
        ck_tile_body_1x1(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 1);
    else
        ck_tile_body_1x1(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 0);
}

// `pack` (a constant at each call): read dy's rows at `source` and store them into the panel.
// `ahead`: `ahead_rows` rows of the next chunk (ld_source apart), fetched into L2 one a step.
CKV_INLINE void ck_tile_body_1x2(long depth, long taps, long tap, long channel, const double *const *rows,
        double *b, const double *source, long ld_source, const double *ahead, long ahead_rows, double *c,
        const long *row_offsets, long nr, int accumulate, int pack) {
    ckv_avx512_f64 acc[1][2];
    CK_UNROLL for (int i = 0; i < 1; i++) CK_UNROLL for (int v = 0; v < 2; v++) acc[i][v] = ckv_avx512_f64_zero();
    for (long p = 0; p < depth; p++) {
        const double *a = rows[p * taps + tap] + channel;
        ckv_avx512_f64 bv[2];
        CK_UNROLL for (int v = 0; v < 2; v++) {
            if (pack) {
                // dy's rows come from memory, ld_source apart: fetch them 16 rows ahead.
                __builtin_prefetch(source + (p + 16) * ld_source + v * 8);
                bv[v] = ckv_avx512_f64_load_tail(source + p * ld_source + v * 8, nr - v * 8);
                ckv_avx512_f64_store(b + p * 32 + v * 8, bv[v]);
            } else {
                if (p < ahead_rows) __builtin_prefetch(ahead + p * ld_source + v * 8, 0, 2);
                bv[v] = ckv_avx512_f64_load(b + p * 32 + v * 8);
            }
        }
        CK_UNROLL for (int i = 0; i < 1; i++) {
            ckv_avx512_f64 ai = ckv_avx512_f64_set1(a[i]);
            CK_UNROLL for (int v = 0; v < 2; v++) acc[i][v] = ckv_avx512_f64_fma(ai, bv[v], acc[i][v]);
        }
    }
    // The sums added to (or stored in) the tile's rows of C: row i at c + row_offsets[i].
    CK_UNROLL for (int i = 0; i < 1; i++) CK_UNROLL for (int v = 0; v < 2; v++) {
        double *out = c + row_offsets[i] + v * 8;
        ckv_avx512_f64 sum = accumulate ? ckv_avx512_f64_add(ckv_avx512_f64_load_tail(out, nr - v * 8), acc[i][v]) : acc[i][v];
        ckv_avx512_f64_store_tail(out, sum, nr - v * 8);
    }
}

CKV_TARGET __attribute__((noinline)) static void ck_tile_1x2(long depth, long taps, long tap, long channel,
        const double *const *rows, double *b, const double *source, long ld_source, const double *ahead, long ahead_rows,
        double *c, const long *row_offsets, long nr, int accumulate) {
    if (source)
        ck_tile_body_1x2(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 1);
    else
        ck_tile_body_1x2(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 0);
}

// `pack` (a constant at each call): read dy's rows at `source` and store them into the panel.
// `ahead`: `ahead_rows` rows of the next chunk (ld_source apart), fetched into L2 one a step.
CKV_INLINE void ck_tile_body_1x3(long depth, long taps, long tap, long channel, const double *const *rows,
        double *b, const double *source, long ld_source, const double *ahead, long ahead_rows, double *c,
        const long *row_offsets, long nr, int accumulate, int pack) {
    ckv_avx512_f64 acc[1][3];
    CK_UNROLL for (int i = 0; i < 1; i++) CK_UNROLL for (int v = 0; v < 3; v++) acc[i][v] = ckv_avx512_f64_zero();
    for (long p = 0; p < depth; p++) {
        const double *a = rows[p * taps + tap] + channel;
        ckv_avx512_f64 bv[3];
        CK_UNROLL for (int v = 0; v < 3; v++) {
            if (pack) {
                // dy's rows come from memory, ld_source apart: fetch them 16 rows ahead.
                __builtin_prefetch(source + (p + 16) * ld_source + v * 8);
                bv[v] = ckv_avx512_f64_load_tail(source + p * ld_source + v * 8, nr - v * 8);
                ckv_avx512_f64_store(b + p * 32 + v * 8, bv[v]);
            } else {
                if (p < ahead_rows) __builtin_prefetch(ahead + p * ld_source + v * 8, 0, 2);
                bv[v] = ckv_avx512_f64_load(b + p * 32 + v * 8);
            }
        }
        CK_UNROLL for (int i = 0; i < 1; i++) {
            ckv_avx512_f64 ai = ckv_avx512_f64_set1(a[i]);
            CK_UNROLL for (int v = 0; v < 3; v++) acc[i][v] = ckv_avx512_f64_fma(ai, bv[v], acc[i][v]);
        }
    }
    // The sums added to (or stored in) the tile's rows of C: row i at c + row_offsets[i].
    CK_UNROLL for (int i = 0; i < 1; i++) CK_UNROLL for (int v = 0; v < 3; v++) {
        double *out = c + row_offsets[i] + v * 8;
        ckv_avx512_f64 sum = accumulate ? ckv_avx512_f64_add(ckv_avx512_f64_load_tail(out, nr - v * 8), acc[i][v]) : acc[i][v];
        ckv_avx512_f64_store_tail(out, sum, nr - v * 8);
    }
}

CKV_TARGET __attribute__((noinline)) static void ck_tile_1x3(long depth, long taps, long tap, long channel,
        const double *const *rows, double *b, const double *source, long ld_source, const double *ahead, long ahead_rows,
        double *c, const long *row_offsets, long nr, int accumulate) {
    if (source)
        ck_tile_body_1x3(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 1);
    else
        ck_tile_body_1x3(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 0);
}

// `pack` (a constant at each call): read dy's rows at `source` and store them into the panel.
// `ahead`: `ahead_rows` rows of the next chunk (ld_source apart), fetched into L2 one a step.
CKV_INLINE void ck_tile_body_1x4(long depth, long taps, long tap, long channel, const double *const *rows,
        double *b, const double *source, long ld_source, const double *ahead, long ahead_rows, double *c,
        const long *row_offsets, long nr, int accumulate, int pack) {
    ckv_avx512_f64 acc[1][4];
    CK_UNROLL for (int i = 0; i < 1; i++) CK_UNROLL for (int v = 0; v < 4; v++) acc[i][v] = ckv_avx512_f64_zero();
    for (long p = 0; p < depth; p++) {
        const double *a = rows[p * taps + tap] + channel;
        ckv_avx512_f64 bv[4];
        CK_UNROLL for (int v = 0; v < 4; v++) {
            if (pack) {
                // dy's rows come from memory, ld_source apart: fetch them 16 rows ahead.
                __builtin_prefetch(source + (p + 16) * ld_source + v * 8);
                bv[v] = ckv_avx512_f64_load_tail(source + p * ld_source + v * 8, nr - v * 8);
                ckv_avx512_f64_store(b + p * 32 + v * 8, bv[v]);
            } else {
                if (p < ahead_rows) __builtin_prefetch(ahead + p * ld_source + v * 8, 0, 2);
                bv[v] = ckv_avx512_f64_load(b + p * 32 + v * 8);
            }
        }
        CK_UNROLL for (int i = 0; i < 1; i++) {
            ckv_avx512_f64 ai = ckv_avx512_f64_set1(a[i]);
            CK_UNROLL for (int v = 0; v < 4; v++) acc[i][v] = ckv_avx512_f64_fma(ai, bv[v], acc[i][v]);
        }
    }
    // The sums added to (or stored in) the tile's rows of C: row i at c + row_offsets[i].
    CK_UNROLL for (int i = 0; i < 1; i++) CK_UNROLL for (int v = 0; v < 4; v++) {
        double *out = c + row_offsets[i] + v * 8;
        ckv_avx512_f64 sum = accumulate ? ckv_avx512_f64_add(ckv_avx512_f64_load_tail(out, nr - v * 8), acc[i][v]) : acc[i][v];
        ckv_avx512_f64_store_tail(out, sum, nr - v * 8);
    }
}

CKV_TARGET __attribute__((noinline)) static void ck_tile_1x4(long depth, long taps, long tap, long channel,
        const double *const *rows, double *b, const double *source, long ld_source, const double *ahead, long ahead_rows,
        double *c, const long *row_offsets, long nr, int accumulate) {
    if (source)
        ck_tile_body_1x4(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 1);
    else
        ck_tile_body_1x4(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 0);
}

// `pack` (a constant at each call): read dy's rows at `source` and store them into the panel.
// `ahead`: `ahead_rows` rows of the next chunk (ld_source apart), fetched into L2 one a step.
CKV_INLINE void ck_tile_body_2x1(long depth, long taps, long tap, long channel, const double *const *rows,
        double *b, const double *source, long ld_source, const double *ahead, long ahead_rows, double *c,
        const long *row_offsets, long nr, int accumulate, int pack) {
    ckv_avx512_f64 acc[2][1];
    CK_UNROLL for (int i = 0; i < 2; i++) CK_UNROLL for (int v = 0; v < 1; v++) acc[i][v] = ckv_avx512_f64_zero();
    for (long p = 0; p < depth; p++) {
        const double *a = rows[p * taps + tap] + channel;
        ckv_avx512_f64 bv[1];
        CK_UNROLL for (int v = 0; v < 1; v++) {
            if (pack) {
                // dy's rows come from memory, ld_source apart: fetch them 16 rows ahead.
                __builtin_prefetch(source + (p + 16) * ld_source + v * 8);
                bv[v] = ckv_avx512_f64_load_tail(source + p * ld_source + v * 8, nr - v * 8);
                ckv_avx512_f64_store(b + p * 32 + v * 8, bv[v]);
            } else {
                if (p < ahead_rows) __builtin_prefetch(ahead + p * ld_source + v * 8, 0, 2);
                bv[v] = ckv_avx512_f64_load(b + p * 32 + v * 8);
            }
        }
        CK_UNROLL for (int i = 0; i < 2; i++) {
            ckv_avx512_f64 ai = ckv_avx512_f64_set1(a[i]);
            CK_UNROLL for (int v = 0; v < 1; v++) acc[i][v] = ckv_avx512_f64_fma(ai, bv[v], acc[i][v]);
        }
    }
    // The sums added to (or stored in) the tile's rows of C: row i at c + row_offsets[i].
    CK_UNROLL for (int i = 0; i < 2; i++) CK_UNROLL for (int v = 0; v < 1; v++) {
        double *out = c + row_offsets[i] + v * 8;
        ckv_avx512_f64 sum = accumulate ? ckv_avx512_f64_add(ckv_avx512_f64_load_tail(out, nr - v * 8), acc[i][v]) : acc[i][v];
        ckv_avx512_f64_store_tail(out, sum, nr - v * 8);
    }
}

CKV_TARGET __attribute__((noinline)) static void ck_tile_2x1(long depth, long taps, long tap, long channel,
        const double *const *rows, double *b, const double *source, long ld_source, const double *ahead, long ahead_rows,
        double *c, const long *row_offsets, long nr, int accumulate) {
    if (source)
        ck_tile_body_2x1(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 1);
    else
        ck_tile_body_2x1(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 0);
}

// `pack` (a constant at each call): read dy's rows at `source` and store them into the panel.
// `ahead`: `ahead_rows` rows of the next chunk (ld_source apart), fetched into L2 one a step.
CKV_INLINE void ck_tile_body_2x2(long depth, long taps, long tap, long channel, const double *const *rows,
        double *b, const double *source, long ld_source, const double *ahead, long ahead_rows, double *c,
        const long *row_offsets, long nr, int accumulate, int pack) {
    ckv_avx512_f64 acc[2][2];
    CK_UNROLL for (int i = 0; i < 2; i++) CK_UNROLL for (int v = 0; v < 2; v++) acc[i][v] = ckv_avx512_f64_zero();
    for (long p = 0; p < depth; p++) {
        const double *a = rows[p * taps + tap] + channel;
        ckv_avx512_f64 bv[2];
        CK_UNROLL for (int v = 0; v < 2; v++) {
            if (pack) {
                // dy's rows come from memory, ld_source apart: fetch them 16 rows ahead.
                __builtin_prefetch(source + (p + 16) * ld_source + v * 8);
                bv[v] = ckv_avx512_f64_load_tail(source + p * ld_source + v * 8, nr - v * 8);
                ckv_avx512_f64_store(b + p * 32 + v * 8, bv[v]);
            } else {
                if (p < ahead_rows) __builtin_prefetch(ahead + p * ld_source + v * 8, 0, 2);
                bv[v] = ckv_avx512_f64_load(b + p * 32 + v * 8);
            }
        }
        CK_UNROLL for (int i = 0; i < 2; i++) {
            ckv_avx512_f64 ai = ckv_avx512_f64_set1(a[i]);
            CK_UNROLL for (int v = 0; v < 2; v++) acc[i][v] = ckv_avx512_f64_fma(ai, bv[v], acc[i][v]);
        }
    }
    // The sums added to (or stored in) the tile's rows of C: row i at c + row_offsets[i].
    CK_UNROLL for (int i = 0; i < 2; i++) CK_UNROLL for (int v = 0; v < 2; v++) {
        double *out = c + row_offsets[i] + v * 8;
        ckv_avx512_f64 sum = accumulate ? ckv_avx512_f64_add(ckv_avx512_f64_load_tail(out, nr - v * 8), acc[i][v]) : acc[i][v];
        ckv_avx512_f64_store_tail(out, sum, nr - v * 8);
    }
}

CKV_TARGET __attribute__((noinline)) static void ck_tile_2x2(long depth, long taps, long tap, long channel,
        const double *const *rows, double *b, const double *source, long ld_source, const double *ahead, long ahead_rows,
        double *c, const long *row_offsets, long nr, int accumulate) {
    if (source)
        ck_tile_body_2x2(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 1);
    else
        ck_tile_body_2x2(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 0);
}

// `pack` (a constant at each call): read dy's rows at `source` and store them into the panel.
// `ahead`: `ahead_rows` rows of the next chunk (ld_source apart), fetched into L2 one a step.
CKV_INLINE void ck_tile_body_2x3(long depth, long taps, long tap, long channel, const double *const *rows,
        double *b, const double *source, long ld_source, const double *ahead, long ahead_rows, double *c,
        const long *row_offsets, long nr, int accumulate, int pack) {
    ckv_avx512_f64 acc[2][3];
    CK_UNROLL for (int i = 0; i < 2; i++) CK_UNROLL for (int v = 0; v < 3; v++) acc[i][v] = ckv_avx512_f64_zero();
    for (long p = 0; p < depth; p++) {
        const double *a = rows[p * taps + tap] + channel;
        ckv_avx512_f64 bv[3];
        CK_UNROLL for (int v = 0; v < 3; v++) {
            if (pack) {
                // dy's rows come from memory, ld_source apart: fetch them 16 rows ahead.
                __builtin_prefetch(source + (p + 16) * ld_source + v * 8);
                bv[v] = ckv_avx512_f64_load_tail(source + p * ld_source + v * 8, nr - v * 8);
                ckv_avx512_f64_store(b + p * 32 + v * 8, bv[v]);
            } else {
                if (p < ahead_rows) __builtin_prefetch(ahead + p * ld_source + v * 8, 0, 2);
                bv[v] = ckv_avx512_f64_load(b + p * 32 + v * 8);
            }
        }
        CK_UNROLL for (int i = 0; i < 2; i++) {
            ckv_avx512_f64 ai = ckv_avx512_f64_set1(a[i]);
            CK_UNROLL for (int v = 0; v < 3; v++) acc[i][v] = ckv_avx512_f64_fma(ai, bv[v], acc[i][v]);
        }
    }
    // The sums added to (or stored in) the tile's rows of C: row i at c + row_offsets[i].
    CK_UNROLL for (int i = 0; i < 2; i++) CK_UNROLL for (int v = 0; v < 3; v++) {
        double *out = c + row_offsets[i] + v * 8;
        ckv_avx512_f64 sum = accumulate ? ckv_avx512_f64_add(ckv_avx512_f64_load_tail(out, nr - v * 8), acc[i][v]) : acc[i][v];
        ckv_avx512_f64_store_tail(out, sum, nr - v * 8);
    }
}

CKV_TARGET __attribute__((noinline)) static void ck_tile_2x3(long depth, long taps, long tap, long channel,
        const double *const *rows, double *b, const double *source, long ld_source, const double *ahead, long ahead_rows,
        double *c, const long *row_offsets, long nr, int accumulate) {
    if (source)
        ck_tile_body_2x3(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 1);
    else
        ck_tile_body_2x3(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 0);
}

// `pack` (a constant at each call): read dy's rows at `source` and store them into the panel.
// `ahead`: `ahead_rows` rows of the next chunk (ld_source apart), fetched into L2 one a step.
CKV_INLINE void ck_tile_body_2x4(long depth, long taps, long tap, long channel, const double *const *rows,
        double *b, const double *source, long ld_source, const double *ahead, long ahead_rows, double *c,
        const long *row_offsets, long nr, int accumulate, int pack) {
    ckv_avx512_f64 acc[2][4];
    CK_UNROLL for (int i = 0; i < 2; i++) CK_UNROLL for (int v = 0; v < 4; v++) acc[i][v] = ckv_avx512_f64_zero();
    for (long p = 0; p < depth; p++) {
        const double *a = rows[p * taps + tap] + channel;
        ckv_avx512_f64 bv[4];
        CK_UNROLL for (int v = 0; v < 4; v++) {
            if (pack) {
                // dy's rows come from memory, ld_source apart: fetch them 16 rows ahead.
                __builtin_prefetch(source + (p + 16) * ld_source + v * 8);
                bv[v] = ckv_avx512_f64_load_tail(source + p * ld_source + v * 8, nr - v * 8);
                ckv_avx512_f64_store(b + p * 32 + v * 8, bv[v]);
            } else {
                if (p < ahead_rows) __builtin_prefetch(ahead + p * ld_source + v * 8, 0, 2);
                bv[v] = ckv_avx512_f64_load(b + p * 32 + v * 8);
            }
        }
        CK_UNROLL for (int i = 0; i < 2; i++) {
            ckv_avx512_f64 ai = ckv_avx512_f64_set1(a[i]);
            CK_UNROLL for (int v = 0; v < 4; v++) acc[i][v] = ckv_avx512_f64_fma(ai, bv[v], acc[i][v]);
        }
    }
    // The sums added to (or stored in) the tile's rows of C: row i at c + row_offsets[i].
    CK_UNROLL for (int i = 0; i < 2; i++) CK_UNROLL for (int v = 0; v < 4; v++) {
        double *out = c + row_offsets[i] + v * 8;
        ckv_avx512_f64 sum = accumulate ? ckv_avx512_f64_add(ckv_avx512_f64_load_tail(out, nr - v * 8), acc[i][v]) : acc[i][v];
        ckv_avx512_f64_store_tail(out, sum, nr - v * 8);
    }
}

CKV_TARGET __attribute__((noinline)) static void ck_tile_2x4(long depth, long taps, long tap, long channel,
        const double *const *rows, double *b, const double *source, long ld_source, const double *ahead, long ahead_rows,
        double *c, const long *row_offsets, long nr, int accumulate) {
    if (source)
        ck_tile_body_2x4(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 1);
    else
        ck_tile_body_2x4(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 0);
}

// `pack` (a constant at each call): read dy's rows at `source` and store them into the panel.
// `ahead`: `ahead_rows` rows of the next chunk (ld_source apart), fetched into L2 one a step.
CKV_INLINE void ck_tile_body_3x1(long depth, long taps, long tap, long channel, const double *const *rows,
        double *b, const double *source, long ld_source, const double *ahead, long ahead_rows, double *c,
        const long *row_offsets, long nr, int accumulate, int pack) {
    ckv_avx512_f64 acc[3][1];
    CK_UNROLL for (int i = 0; i < 3; i++) CK_UNROLL for (int v = 0; v < 1; v++) acc[i][v] = ckv_avx512_f64_zero();
    for (long p = 0; p < depth; p++) {
        const double *a = rows[p * taps + tap] + channel;
        ckv_avx512_f64 bv[1];
        CK_UNROLL for (int v = 0; v < 1; v++) {
            if (pack) {
                // dy's rows come from memory, ld_source apart: fetch them 16 rows ahead.
                __builtin_prefetch(source + (p + 16) * ld_source + v * 8);
                bv[v] = ckv_avx512_f64_load_tail(source + p * ld_source + v * 8, nr - v * 8);
                ckv_avx512_f64_store(b + p * 32 + v * 8, bv[v]);
            } else {
                if (p < ahead_rows) __builtin_prefetch(ahead + p * ld_source + v * 8, 0, 2);
                bv[v] = ckv_avx512_f64_load(b + p * 32 + v * 8);
            }
        }
        CK_UNROLL for (int i = 0; i < 3; i++) {
            ckv_avx512_f64 ai = ckv_avx512_f64_set1(a[i]);
            CK_UNROLL for (int v = 0; v < 1; v++) acc[i][v] = ckv_avx512_f64_fma(ai, bv[v], acc[i][v]);
        }
    }
    // The sums added to (or stored in) the tile's rows of C: row i at c + row_offsets[i].
    CK_UNROLL for (int i = 0; i < 3; i++) CK_UNROLL for (int v = 0; v < 1; v++) {
        double *out = c + row_offsets[i] + v * 8;
        ckv_avx512_f64 sum = accumulate ? ckv_avx512_f64_add(ckv_avx512_f64_load_tail(out, nr - v * 8), acc[i][v]) : acc[i][v];
        ckv_avx512_f64_store_tail(out, sum, nr - v * 8);
    }
}

CKV_TARGET __attribute__((noinline)) static void ck_tile_3x1(long depth, long taps, long tap, long channel,
        const double *const *rows, double *b, const double *source, long ld_source, const double *ahead, long ahead_rows,
        double *c, const long *row_offsets, long nr, int accumulate) {
    if (source)
        ck_tile_body_3x1(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 1);
    else
        ck_tile_body_3x1(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 0);
}

// `pack` (a constant at each call): read dy's rows at `source` and store them into the panel.
// `ahead`: `ahead_rows` rows of the next chunk (ld_source apart), fetched into L2 one a step.
CKV_INLINE void ck_tile_body_3x2(long depth, long taps, long tap, long channel, const double *const *rows,
        double *b, const double *source, long ld_source, const double *ahead, long ahead_rows, double *c,
        const long *row_offsets, long nr, int accumulate, int pack) {
    ckv_avx512_f64 acc[3][2];
    CK_UNROLL for (int i = 0; i < 3; i++) CK_UNROLL for (int v = 0; v < 2; v++) acc[i][v] = ckv_avx512_f64_zero();
    for (long p = 0; p < depth; p++) {
        const double *a = rows[p * taps + tap] + channel;
        ckv_avx512_f64 bv[2];
        CK_UNROLL for (int v = 0; v < 2; v++) {
            if (pack) {
                // dy's rows come from memory, ld_source apart: fetch them 16 rows ahead.
                __builtin_prefetch(source + (p + 16) * ld_source + v * 8);
                bv[v] = ckv_avx512_f64_load_tail(source + p * ld_source + v * 8, nr - v * 8);
                ckv_avx512_f64_store(b + p * 32 + v * 8, bv[v]);
            } else {
                if (p < ahead_rows) __builtin_prefetch(ahead + p * ld_source + v * 8, 0, 2);
                bv[v] = ckv_avx512_f64_load(b + p * 32 + v * 8);
            }
        }
        CK_UNROLL for (int i = 0; i < 3; i++) {
            ckv_avx512_f64 ai = ckv_avx512_f64_set1(a[i]);
            CK_UNROLL for (int v = 0; v < 2; v++) acc[i][v] = ckv_avx512_f64_fma(ai, bv[v], acc[i][v]);
        }
    }
    // The sums added to (or stored in) the tile's rows of C: row i at c + row_offsets[i].
    CK_UNROLL for (int i = 0; i < 3; i++) CK_UNROLL for (int v = 0; v < 2; v++) {
        double *out = c + row_offsets[i] + v * 8;
        ckv_avx512_f64 sum = accumulate ? ckv_avx512_f64_add(ckv_avx512_f64_load_tail(out, nr - v * 8), acc[i][v]) : acc[i][v];
        ckv_avx512_f64_store_tail(out, sum, nr - v * 8);
    }
}

CKV_TARGET __attribute__((noinline)) static void ck_tile_3x2(long depth, long taps, long tap, long channel,
        const double *const *rows, double *b, const double *source, long ld_source, const double *ahead, long ahead_rows,
        double *c, const long *row_offsets, long nr, int accumulate) {
    if (source)
        ck_tile_body_3x2(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 1);
    else
        ck_tile_body_3x2(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 0);
}

// `pack` (a constant at each call): read dy's rows at `source` and store them into the panel.
// `ahead`: `ahead_rows` rows of the next chunk (ld_source apart), fetched into L2 one a step.
CKV_INLINE void ck_tile_body_3x3(long depth, long taps, long tap, long channel, const double *const *rows,
        double *b, const double *source, long ld_source, const double *ahead, long ahead_rows, double *c,
        const long *row_offsets, long nr, int accumulate, int pack) {
    ckv_avx512_f64 acc[3][3];
    CK_UNROLL for (int i = 0; i < 3; i++) CK_UNROLL for (int v = 0; v < 3; v++) acc[i][v] = ckv_avx512_f64_zero();
    for (long p = 0; p < depth; p++) {
        const double *a = rows[p * taps + tap] + channel;
        ckv_avx512_f64 bv[3];
        CK_UNROLL for (int v = 0; v < 3; v++) {
            if (pack) {
                // dy's rows come from memory, ld_source apart: fetch them 16 rows ahead.
                __builtin_prefetch(source + (p + 16) * ld_source + v * 8);
                bv[v] = ckv_avx512_f64_load_tail(source + p * ld_source + v * 8, nr - v * 8);
                ckv_avx512_f64_store(b + p * 32 + v * 8, bv[v]);
            } else {
                if (p < ahead_rows) __builtin_prefetch(ahead + p * ld_source + v * 8, 0, 2);
                bv[v] = ckv_avx512_f64_load(b + p * 32 + v * 8);
            }
        }
        CK_UNROLL for (int i = 0; i < 3; i++) {
            ckv_avx512_f64 ai = ckv_avx512_f64_set1(a[i]);
            CK_UNROLL for (int v = 0; v < 3; v++) acc[i][v] = ckv_avx512_f64_fma(ai, bv[v], acc[i][v]);
        }
    }
    // The sums added to (or stored in) the tile's rows of C: row i at c + row_offsets[i].
    CK_UNROLL for (int i = 0; i < 3; i++) CK_UNROLL for (int v = 0; v < 3; v++) {
        double *out = c + row_offsets[i] + v * 8;
        ckv_avx512_f64 sum = accumulate ? ckv_avx512_f64_add(ckv_avx512_f64_load_tail(out, nr - v * 8), acc[i][v]) : acc[i][v];
        ckv_avx512_f64_store_tail(out, sum, nr - v * 8);
    }
}

CKV_TARGET __attribute__((noinline)) static void ck_tile_3x3(long depth, long taps, long tap, long channel,
        const double *const *rows, double *b, const double *source, long ld_source, const double *ahead, long ahead_rows,
        double *c, const long *row_offsets, long nr, int accumulate) {
    if (source)
        ck_tile_body_3x3(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 1);
    else
        ck_tile_body_3x3(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 0);
}

// `pack` (a constant at each call): read dy's rows at `source` and store them into the panel.
// `ahead`: `ahead_rows` rows of the next chunk (ld_source apart), fetched into L2 one a step.
CKV_INLINE void ck_tile_body_3x4(long depth, long taps, long tap, long channel, const double *const *rows,
        double *b, const double *source, long ld_source, const double *ahead, long ahead_rows, double *c,
        const long *row_offsets, long nr, int accumulate, int pack) {
    ckv_avx512_f64 acc[3][4];
    CK_UNROLL for (int i = 0; i < 3; i++) CK_UNROLL for (int v = 0; v < 4; v++) acc[i][v] = ckv_avx512_f64_zero();
    for (long p = 0; p < depth; p++) {
        const double *a = rows[p * taps + tap] + channel;
        ckv_avx512_f64 bv[4];
        CK_UNROLL for (int v = 0; v < 4; v++) {
            if (pack) {
                // dy's rows come from memory, ld_source apart: fetch them 16 rows ahead.
                __builtin_prefetch(source + (p + 16) * ld_source + v * 8);
                bv[v] = ckv_avx512_f64_load_tail(source + p * ld_source + v * 8, nr - v * 8);
                ckv_avx512_f64_store(b + p * 32 + v * 8, bv[v]);
            } else {
                if (p < ahead_rows) __builtin_prefetch(ahead + p * ld_source + v * 8, 0, 2);
                bv[v] = ckv_avx512_f64_load(b + p * 32 + v * 8);
            }
        }
        CK_UNROLL for (int i = 0; i < 3; i++) {
            ckv_avx512_f64 ai = ckv_avx512_f64_set1(a[i]);
            CK_UNROLL for (int v = 0; v < 4; v++) acc[i][v] = ckv_avx512_f64_fma(ai, bv[v], acc[i][v]);
        }
    }
    // The sums added to (or stored in) the tile's rows of C: row i at c + row_offsets[i].
    CK_UNROLL for (int i = 0; i < 3; i++) CK_UNROLL for (int v = 0; v < 4; v++) {
        double *out = c + row_offsets[i] + v * 8;
        ckv_avx512_f64 sum = accumulate ? ckv_avx512_f64_add(ckv_avx512_f64_load_tail(out, nr - v * 8), acc[i][v]) : acc[i][v];
        ckv_avx512_f64_store_tail(out, sum, nr - v * 8);
    }
}

CKV_TARGET __attribute__((noinline)) static void ck_tile_3x4(long depth, long taps, long tap, long channel,
        const double *const *rows, double *b, const double *source, long ld_source, const double *ahead, long ahead_rows,
        double *c, const long *row_offsets, long nr, int accumulate) {
    if (source)
        ck_tile_body_3x4(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 1);
    else
        ck_tile_body_3x4(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 0);
}

// `pack` (a constant at each call): read dy's rows at `source` and store them into the panel.
// `ahead`: `ahead_rows` rows of the next chunk (ld_source apart), fetched into L2 one a step.
CKV_INLINE void ck_tile_body_4x1(long depth, long taps, long tap, long channel, const double *const *rows,
        double *b, const double *source, long ld_source, const double *ahead, long ahead_rows, double *c,
        const long *row_offsets, long nr, int accumulate, int pack) {
    ckv_avx512_f64 acc[4][1];
    CK_UNROLL for (int i = 0; i < 4; i++) CK_UNROLL for (int v = 0; v < 1; v++) acc[i][v] = ckv_avx512_f64_zero();
    for (long p = 0; p < depth; p++) {
        const double *a = rows[p * taps + tap] + channel;
        ckv_avx512_f64 bv[1];
        CK_UNROLL for (int v = 0; v < 1; v++) {
            if (pack) {
                // dy's rows come from memory, ld_source apart: fetch them 16 rows ahead.
                __builtin_prefetch(source + (p + 16) * ld_source + v * 8);
                bv[v] = ckv_avx512_f64_load_tail(source + p * ld_source + v * 8, nr - v * 8);
                ckv_avx512_f64_store(b + p * 32 + v * 8, bv[v]);
            } else {
                if (p < ahead_rows) __builtin_prefetch(ahead + p * ld_source + v * 8, 0, 2);
                bv[v] = ckv_avx512_f64_load(b + p * 32 + v * 8);
            }
        }
        CK_UNROLL for (int i = 0; i < 4; i++) {
            ckv_avx512_f64 ai = ckv_avx512_f64_set1(a[i]);
            CK_UNROLL for (int v = 0; v < 1; v++) acc[i][v] = ckv_avx512_f64_fma(ai, bv[v], acc[i][v]);
        }
    }
    // The sums added to (or stored in) the tile's rows of C: row i at c + row_offsets[i].
    CK_UNROLL for (int i = 0; i < 4; i++) CK_UNROLL for (int v = 0; v < 1; v++) {
        double *out = c + row_offsets[i] + v * 8;
        ckv_avx512_f64 sum = accumulate ? ckv_avx512_f64_add(ckv_avx512_f64_load_tail(out, nr - v * 8), acc[i][v]) : acc[i][v];
        ckv_avx512_f64_store_tail(out, sum, nr - v * 8);
    }
}

CKV_TARGET __attribute__((noinline)) static void ck_tile_4x1(long depth, long taps, long tap, long channel,
        const double *const *rows, double *b, const double *source, long ld_source, const double *ahead, long ahead_rows,
        double *c, const long *row_offsets, long nr, int accumulate) {
    if (source)
        ck_tile_body_4x1(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 1);
    else
        ck_tile_body_4x1(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 0);
}

// `pack` (a constant at each call): read dy's rows at `source` and store them into the panel.
// `ahead`: `ahead_rows` rows of the next chunk (ld_source apart), fetched into L2 one a step.
CKV_INLINE void ck_tile_body_4x2(long depth, long taps, long tap, long channel, const double *const *rows,
        double *b, const double *source, long ld_source, const double *ahead, long ahead_rows, double *c,
        const long *row_offsets, long nr, int accumulate, int pack) {
    ckv_avx512_f64 acc[4][2];
    CK_UNROLL for (int i = 0; i < 4; i++) CK_UNROLL for (int v = 0; v < 2; v++) acc[i][v] = ckv_avx512_f64_zero();
    for (long p = 0; p < depth; p++) {
        const double *a = rows[p * taps + tap] + channel;
        ckv_avx512_f64 bv[2];
        CK_UNROLL for (int v = 0; v < 2; v++) {
            if (pack) {
                // dy's rows come from memory, ld_source apart: fetch them 16 rows ahead.
                __builtin_prefetch(source + (p + 16) * ld_source + v * 8);
                bv[v] = ckv_avx512_f64_load_tail(source + p * ld_source + v * 8, nr - v * 8);
                ckv_avx512_f64_store(b + p * 32 + v * 8, bv[v]);
            } else {
                if (p < ahead_rows) __builtin_prefetch(ahead + p * ld_source + v * 8, 0, 2);
                bv[v] = ckv_avx512_f64_load(b + p * 32 + v * 8);
            }
        }
        CK_UNROLL for (int i = 0; i < 4; i++) {
            ckv_avx512_f64 ai = ckv_avx512_f64_set1(a[i]);
            CK_UNROLL for (int v = 0; v < 2; v++) acc[i][v] = ckv_avx512_f64_fma(ai, bv[v], acc[i][v]);
        }
    }
    // The sums added to (or stored in) the tile's rows of C: row i at c + row_offsets[i].
    CK_UNROLL for (int i = 0; i < 4; i++) CK_UNROLL for (int v = 0; v < 2; v++) {
        double *out = c + row_offsets[i] + v * 8;
        ckv_avx512_f64 sum = accumulate ? ckv_avx512_f64_add(ckv_avx512_f64_load_tail(out, nr - v * 8), acc[i][v]) : acc[i][v];
        ckv_avx512_f64_store_tail(out, sum, nr - v * 8);
    }
}

CKV_TARGET __attribute__((noinline)) static void ck_tile_4x2(long depth, long taps, long tap, long channel,
        const double *const *rows, double *b, const double *source, long ld_source, const double *ahead, long ahead_rows,
        double *c, const long *row_offsets, long nr, int accumulate) {
    if (source)
        ck_tile_body_4x2(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 1);
    else
        ck_tile_body_4x2(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 0);
}

// `pack` (a constant at each call): read dy's rows at `source` and store them into the panel.
// `ahead`: `ahead_rows` rows of the next chunk (ld_source apart), fetched into L2 one a step.
CKV_INLINE void ck_tile_body_4x3(long depth, long taps, long tap, long channel, const double *const *rows,
        double *b, const double *source, long ld_source, const double *ahead, long ahead_rows, double *c,
        const long *row_offsets, long nr, int accumulate, int pack) {
    ckv_avx512_f64 acc[4][3];
    CK_UNROLL for (int i = 0; i < 4; i++) CK_UNROLL for (int v = 0; v < 3; v++) acc[i][v] = ckv_avx512_f64_zero();
    for (long p = 0; p < depth; p++) {
        const double *a = rows[p * taps + tap] + channel;
        ckv_avx512_f64 bv[3];
        CK_UNROLL for (int v = 0; v < 3; v++) {
            if (pack) {
                // dy's rows come from memory, ld_source apart: fetch them 16 rows ahead.
                __builtin_prefetch(source + (p + 16) * ld_source + v * 8);
                bv[v] = ckv_avx512_f64_load_tail(source + p * ld_source + v * 8, nr - v * 8);
                ckv_avx512_f64_store(b + p * 32 + v * 8, bv[v]);
            } else {
                if (p < ahead_rows) __builtin_prefetch(ahead + p * ld_source + v * 8, 0, 2);
                bv[v] = ckv_avx512_f64_load(b + p * 32 + v * 8);
            }
        }
        CK_UNROLL for (int i = 0; i < 4; i++) {
            ckv_avx512_f64 ai = ckv_avx512_f64_set1(a[i]);
            CK_UNROLL for (int v = 0; v < 3; v++) acc[i][v] = ckv_avx512_f64_fma(ai, bv[v], acc[i][v]);
        }
    }
    // The sums added to (or stored in) the tile's rows of C: row i at c + row_offsets[i].
    CK_UNROLL for (int i = 0; i < 4; i++) CK_UNROLL for (int v = 0; v < 3; v++) {
        double *out = c + row_offsets[i] + v * 8;
        ckv_avx512_f64 sum = accumulate ? ckv_avx512_f64_add(ckv_avx512_f64_load_tail(out, nr - v * 8), acc[i][v]) : acc[i][v];
        ckv_avx512_f64_store_tail(out, sum, nr - v * 8);
    }
}

CKV_TARGET __attribute__((noinline)) static void ck_tile_4x3(long depth, long taps, long tap, long channel,
        const double *const *rows, double *b, const double *source, long ld_source, const double *ahead, long ahead_rows,
        double *c, const long *row_offsets, long nr, int accumulate) {
    if (source)
        ck_tile_body_4x3(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 1);
    else
        ck_tile_body_4x3(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 0);
}

// `pack` (a constant at each call): read dy's rows at `source` and store them into the panel.
// `ahead`: `ahead_rows` rows of the next chunk (ld_source apart), fetched into L2 one a step.
CKV_INLINE void ck_tile_body_4x4(long depth, long taps, long tap, long channel, const double *const *rows,
        double *b, const double *source, long ld_source, const double *ahead, long ahead_rows, double *c,
        const long *row_offsets, long nr, int accumulate, int pack) {
    ckv_avx512_f64 acc[4][4];
    CK_UNROLL for (int i = 0; i < 4; i++) CK_UNROLL for (int v = 0; v < 4; v++) acc[i][v] = ckv_avx512_f64_zero();
    for (long p = 0; p < depth; p++) {
        const double *a = rows[p * taps + tap] + channel;
        ckv_avx512_f64 bv[4];
        CK_UNROLL for (int v = 0; v < 4; v++) {
            if (pack) {
                // dy's rows come from memory, ld_source apart: fetch them 16 rows ahead.
                __builtin_prefetch(source + (p + 16) * ld_source + v * 8);
                bv[v] = ckv_avx512_f64_load_tail(source + p * ld_source + v * 8, nr - v * 8);
                ckv_avx512_f64_store(b + p * 32 + v * 8, bv[v]);
            } else {
                if (p < ahead_rows) __builtin_prefetch(ahead + p * ld_source + v * 8, 0, 2);
                bv[v] = ckv_avx512_f64_load(b + p * 32 + v * 8);
            }
        }
        CK_UNROLL for (int i = 0; i < 4; i++) {
            ckv_avx512_f64 ai = ckv_avx512_f64_set1(a[i]);
            CK_UNROLL for (int v = 0; v < 4; v++) acc[i][v] = ckv_avx512_f64_fma(ai, bv[v], acc[i][v]);
        }
    }
    // The sums added to (or stored in) the tile's rows of C: row i at c + row_offsets[i].
    CK_UNROLL for (int i = 0; i < 4; i++) CK_UNROLL for (int v = 0; v < 4; v++) {
        double *out = c + row_offsets[i] + v * 8;
        ckv_avx512_f64 sum = accumulate ? ckv_avx512_f64_add(ckv_avx512_f64_load_tail(out, nr - v * 8), acc[i][v]) : acc[i][v];
        ckv_avx512_f64_store_tail(out, sum, nr - v * 8);
    }
}

CKV_TARGET __attribute__((noinline)) static void ck_tile_4x4(long depth, long taps, long tap, long channel,
        const double *const *rows, double *b, const double *source, long ld_source, const double *ahead, long ahead_rows,
        double *c, const long *row_offsets, long nr, int accumulate) {
    if (source)
        ck_tile_body_4x4(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 1);
    else
        ck_tile_body_4x4(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 0);
}

// `pack` (a constant at each call): read dy's rows at `source` and store them into the panel.
// `ahead`: `ahead_rows` rows of the next chunk (ld_source apart), fetched into L2 one a step.
CKV_INLINE void ck_tile_body_5x1(long depth, long taps, long tap, long channel, const double *const *rows,
        double *b, const double *source, long ld_source, const double *ahead, long ahead_rows, double *c,
        const long *row_offsets, long nr, int accumulate, int pack) {
    ckv_avx512_f64 acc[5][1];
    CK_UNROLL for (int i = 0; i < 5; i++) CK_UNROLL for (int v = 0; v < 1; v++) acc[i][v] = ckv_avx512_f64_zero();
    for (long p = 0; p < depth; p++) {
        const double *a = rows[p * taps + tap] + channel;
        ckv_avx512_f64 bv[1];
        CK_UNROLL for (int v = 0; v < 1; v++) {
            if (pack) {
                // dy's rows come from memory, ld_source apart: fetch them 16 rows ahead.
                __builtin_prefetch(source + (p + 16) * ld_source + v * 8);
                bv[v] = ckv_avx512_f64_load_tail(source + p * ld_source + v * 8, nr - v * 8);
                ckv_avx512_f64_store(b + p * 32 + v * 8, bv[v]);
            } else {
                if (p < ahead_rows) __builtin_prefetch(ahead + p * ld_source + v * 8, 0, 2);
                bv[v] = ckv_avx512_f64_load(b + p * 32 + v * 8);
            }
        }
        CK_UNROLL for (int i = 0; i < 5; i++) {
            ckv_avx512_f64 ai = ckv_avx512_f64_set1(a[i]);
            CK_UNROLL for (int v = 0; v < 1; v++) acc[i][v] = ckv_avx512_f64_fma(ai, bv[v], acc[i][v]);
        }
    }
    // The sums added to (or stored in) the tile's rows of C: row i at c + row_offsets[i].
    CK_UNROLL for (int i = 0; i < 5; i++) CK_UNROLL for (int v = 0; v < 1; v++) {
        double *out = c + row_offsets[i] + v * 8;
        ckv_avx512_f64 sum = accumulate ? ckv_avx512_f64_add(ckv_avx512_f64_load_tail(out, nr - v * 8), acc[i][v]) : acc[i][v];
        ckv_avx512_f64_store_tail(out, sum, nr - v * 8);
    }
}

CKV_TARGET __attribute__((noinline)) static void ck_tile_5x1(long depth, long taps, long tap, long channel,
        const double *const *rows, double *b, const double *source, long ld_source, const double *ahead, long ahead_rows,
        double *c, const long *row_offsets, long nr, int accumulate) {
    if (source)
        ck_tile_body_5x1(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 1);
    else
        ck_tile_body_5x1(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 0);
}

// `pack` (a constant at each call): read dy's rows at `source` and store them into the panel.
// `ahead`: `ahead_rows` rows of the next chunk (ld_source apart), fetched into L2 one a step.
CKV_INLINE void ck_tile_body_5x2(long depth, long taps, long tap, long channel, const double *const *rows,
        double *b, const double *source, long ld_source, const double *ahead, long ahead_rows, double *c,
        const long *row_offsets, long nr, int accumulate, int pack) {
    ckv_avx512_f64 acc[5][2];
    CK_UNROLL for (int i = 0; i < 5; i++) CK_UNROLL for (int v = 0; v < 2; v++) acc[i][v] = ckv_avx512_f64_zero();
    for (long p = 0; p < depth; p++) {
        const double *a = rows[p * taps + tap] + channel;
        ckv_avx512_f64 bv[2];
        CK_UNROLL for (int v = 0; v < 2; v++) {
            if (pack) {
                // dy's rows come from memory, ld_source apart: fetch them 16 rows ahead.
                __builtin_prefetch(source + (p + 16) * ld_source + v * 8);
                bv[v] = ckv_avx512_f64_load_tail(source + p * ld_source + v * 8, nr - v * 8);
                ckv_avx512_f64_store(b + p * 32 + v * 8, bv[v]);
            } else {
                if (p < ahead_rows) __builtin_prefetch(ahead + p * ld_source + v * 8, 0, 2);
                bv[v] = ckv_avx512_f64_load(b + p * 32 + v * 8);
            }
        }
        CK_UNROLL for (int i = 0; i < 5; i++) {
            ckv_avx512_f64 ai = ckv_avx512_f64_set1(a[i]);
            CK_UNROLL for (int v = 0; v < 2; v++) acc[i][v] = ckv_avx512_f64_fma(ai, bv[v], acc[i][v]);
        }
    }
    // The sums added to (or stored in) the tile's rows of C: row i at c + row_offsets[i].
    CK_UNROLL for (int i = 0; i < 5; i++) CK_UNROLL for (int v = 0; v < 2; v++) {
        double *out = c + row_offsets[i] + v * 8;
        ckv_avx512_f64 sum = accumulate ? ckv_avx512_f64_add(ckv_avx512_f64_load_tail(out, nr - v * 8), acc[i][v]) : acc[i][v];
        ckv_avx512_f64_store_tail(out, sum, nr - v * 8);
    }
}

CKV_TARGET __attribute__((noinline)) static void ck_tile_5x2(long depth, long taps, long tap, long channel,
        const double *const *rows, double *b, const double *source, long ld_source, const double *ahead, long ahead_rows,
        double *c, const long *row_offsets, long nr, int accumulate) {
    if (source)
        ck_tile_body_5x2(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 1);
    else
        ck_tile_body_5x2(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 0);
}

// `pack` (a constant at each call): read dy's rows at `source` and store them into the panel.
// `ahead`: `ahead_rows` rows of the next chunk (ld_source apart), fetched into L2 one a step.
CKV_INLINE void ck_tile_body_5x3(long depth, long taps, long tap, long channel, const double *const *rows,
        double *b, const double *source, long ld_source, const double *ahead, long ahead_rows, double *c,
        const long *row_offsets, long nr, int accumulate, int pack) {
    ckv_avx512_f64 acc[5][3];
    CK_UNROLL for (int i = 0; i < 5; i++) CK_UNROLL for (int v = 0; v < 3; v++) acc[i][v] = ckv_avx512_f64_zero();
    for (long p = 0; p < depth; p++) {
        const double *a = rows[p * taps + tap] + channel;
        ckv_avx512_f64 bv[3];
        CK_UNROLL for (int v = 0; v < 3; v++) {
            if (pack) {
                // dy's rows come from memory, ld_source apart: fetch them 16 rows ahead.
                __builtin_prefetch(source + (p + 16) * ld_source + v * 8);
                bv[v] = ckv_avx512_f64_load_tail(source + p * ld_source + v * 8, nr - v * 8);
                ckv_avx512_f64_store(b + p * 32 + v * 8, bv[v]);
            } else {
                if (p < ahead_rows) __builtin_prefetch(ahead + p * ld_source + v * 8, 0, 2);
                bv[v] = ckv_avx512_f64_load(b + p * 32 + v * 8);
            }
        }
        CK_UNROLL for (int i = 0; i < 5; i++) {
            ckv_avx512_f64 ai = ckv_avx512_f64_set1(a[i]);
            CK_UNROLL for (int v = 0; v < 3; v++) acc[i][v] = ckv_avx512_f64_fma(ai, bv[v], acc[i][v]);
        }
    }
    // The sums added to (or stored in) the tile's rows of C: row i at c + row_offsets[i].
    CK_UNROLL for (int i = 0; i < 5; i++) CK_UNROLL for (int v = 0; v < 3; v++) {
        double *out = c + row_offsets[i] + v * 8;
        ckv_avx512_f64 sum = accumulate ? ckv_avx512_f64_add(ckv_avx512_f64_load_tail(out, nr - v * 8), acc[i][v]) : acc[i][v];
        ckv_avx512_f64_store_tail(out, sum, nr - v * 8);
    }
}

CKV_TARGET __attribute__((noinline)) static void ck_tile_5x3(long depth, long taps, long tap, long channel,
        const double *const *rows, double *b, const double *source, long ld_source, const double *ahead, long ahead_rows,
        double *c, const long *row_offsets, long nr, int accumulate) {
    if (source)
        ck_tile_body_5x3(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 1);
    else
        ck_tile_body_5x3(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 0);
}

// `pack` (a constant at each call): read dy's rows at `source` and store them into the panel.
// `ahead`: `ahead_rows` rows of the next chunk (ld_source apart), fetched into L2 one a step.
CKV_INLINE void ck_tile_body_5x4(long depth, long taps, long tap, long channel, const double *const *rows,
        double *b, const double *source, long ld_source, const double *ahead, long ahead_rows, double *c,
        const long *row_offsets, long nr, int accumulate, int pack) {
    ckv_avx512_f64 acc[5][4];
    CK_UNROLL for (int i = 0; i < 5; i++) CK_UNROLL for (int v = 0; v < 4; v++) acc[i][v] = ckv_avx512_f64_zero();
    for (long p = 0; p < depth; p++) {
        const double *a = rows[p * taps + tap] + channel;
        ckv_avx512_f64 bv[4];
        CK_UNROLL for (int v = 0; v < 4; v++) {
            if (pack) {
                // dy's rows come from memory, ld_source apart: fetch them 16 rows ahead.
                __builtin_prefetch(source + (p + 16) * ld_source + v * 8);
                bv[v] = ckv_avx512_f64_load_tail(source + p * ld_source + v * 8, nr - v * 8);
                ckv_avx512_f64_store(b + p * 32 + v * 8, bv[v]);
            } else {
                if (p < ahead_rows) __builtin_prefetch(ahead + p * ld_source + v * 8, 0, 2);
                bv[v] = ckv_avx512_f64_load(b + p * 32 + v * 8);
            }
        }
        CK_UNROLL for (int i = 0; i < 5; i++) {
            ckv_avx512_f64 ai = ckv_avx512_f64_set1(a[i]);
            CK_UNROLL for (int v = 0; v < 4; v++) acc[i][v] = ckv_avx512_f64_fma(ai, bv[v], acc[i][v]);
        }
    }
    // The sums added to (or stored in) the tile's rows of C: row i at c + row_offsets[i].
    CK_UNROLL for (int i = 0; i < 5; i++) CK_UNROLL for (int v = 0; v < 4; v++) {
        double *out = c + row_offsets[i] + v * 8;
        ckv_avx512_f64 sum = accumulate ? ckv_avx512_f64_add(ckv_avx512_f64_load_tail(out, nr - v * 8), acc[i][v]) : acc[i][v];
        ckv_avx512_f64_store_tail(out, sum, nr - v * 8);
    }
}

CKV_TARGET __attribute__((noinline)) static void ck_tile_5x4(long depth, long taps, long tap, long channel,
        const double *const *rows, double *b, const double *source, long ld_source, const double *ahead, long ahead_rows,
        double *c, const long *row_offsets, long nr, int accumulate) {
    if (source)
        ck_tile_body_5x4(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 1);
    else
        ck_tile_body_5x4(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 0);
}

// `pack` (a constant at each call): read dy's rows at `source` and store them into the panel.
// `ahead`: `ahead_rows` rows of the next chunk (ld_source apart), fetched into L2 one a step.
CKV_INLINE void ck_tile_body_6x1(long depth, long taps, long tap, long channel, const double *const *rows,
        double *b, const double *source, long ld_source, const double *ahead, long ahead_rows, double *c,
        const long *row_offsets, long nr, int accumulate, int pack) {
    ckv_avx512_f64 acc[6][1];
    CK_UNROLL for (int i = 0; i < 6; i++) CK_UNROLL for (int v = 0; v < 1; v++) acc[i][v] = ckv_avx512_f64_zero();
    for (long p = 0; p < depth; p++) {
        const double *a = rows[p * taps + tap] + channel;
        ckv_avx512_f64 bv[1];
        CK_UNROLL for (int v = 0; v < 1; v++) {
            if (pack) {
                // dy's rows come from memory, ld_source apart: fetch them 16 rows ahead.
                __builtin_prefetch(source + (p + 16) * ld_source + v * 8);
                bv[v] = ckv_avx512_f64_load_tail(source + p * ld_source + v * 8, nr - v * 8);
                ckv_avx512_f64_store(b + p * 32 + v * 8, bv[v]);
            } else {
                if (p < ahead_rows) __builtin_prefetch(ahead + p * ld_source + v * 8, 0, 2);
                bv[v] = ckv_avx512_f64_load(b + p * 32 + v * 8);
            }
        }
        CK_UNROLL for (int i = 0; i < 6; i++) {
            ckv_avx512_f64 ai = ckv_avx512_f64_set1(a[i]);
            CK_UNROLL for (int v = 0; v < 1; v++) acc[i][v] = ckv_avx512_f64_fma(ai, bv[v], acc[i][v]);
        }
    }
    // The sums added to (or stored in) the tile's rows of C: row i at c + row_offsets[i].
    CK_UNROLL for (int i = 0; i < 6; i++) CK_UNROLL for (int v = 0; v < 1; v++) {
        double *out = c + row_offsets[i] + v * 8;
        ckv_avx512_f64 sum = accumulate ? ckv_avx512_f64_add(ckv_avx512_f64_load_tail(out, nr - v * 8), acc[i][v]) : acc[i][v];
        ckv_avx512_f64_store_tail(out, sum, nr - v * 8);
    }
}

CKV_TARGET __attribute__((noinline)) static void ck_tile_6x1(long depth, long taps, long tap, long channel,
        const double *const *rows, double *b, const double *source, long ld_source, const double *ahead, long ahead_rows,
        double *c, const long *row_offsets, long nr, int accumulate) {
    if (source)
        ck_tile_body_6x1(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 1);
    else
        ck_tile_body_6x1(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 0);
}

// `pack` (a constant at each call): read dy's rows at `source` and store them into the panel.
// `ahead`: `ahead_rows` rows of the next chunk (ld_source apart), fetched into L2 one a step.
CKV_INLINE void ck_tile_body_6x2(long depth, long taps, long tap, long channel, const double *const *rows,
        double *b, const double *source, long ld_source, const double *ahead, long ahead_rows, double *c,
        const long *row_offsets, long nr, int accumulate, int pack) {
    ckv_avx512_f64 acc[6][2];
    CK_UNROLL for (int i = 0; i < 6; i++) CK_UNROLL for (int v = 0; v < 2; v++) acc[i][v] = ckv_avx512_f64_zero();
    for (long p = 0; p < depth; p++) {
        const double *a = rows[p * taps + tap] + channel;
        ckv_avx512_f64 bv[2];
        CK_UNROLL for (int v = 0; v < 2; v++) {
            if (pack) {
                // dy's rows come from memory, ld_source apart: fetch them 16 rows ahead.
                __builtin_prefetch(source + (p + 16) * ld_source + v * 8);
                bv[v] = ckv_avx512_f64_load_tail(source + p * ld_source + v * 8, nr - v * 8);
                ckv_avx512_f64_store(b + p * 32 + v * 8, bv[v]);
            } else {
                if (p < ahead_rows) __builtin_prefetch(ahead + p * ld_source + v * 8, 0, 2);
                bv[v] = ckv_avx512_f64_load(b + p * 32 + v * 8);
            }
        }
        CK_UNROLL for (int i = 0; i < 6; i++) {
            ckv_avx512_f64 ai = ckv_avx512_f64_set1(a[i]);
            CK_UNROLL for (int v = 0; v < 2; v++) acc[i][v] = ckv_avx512_f64_fma(ai, bv[v], acc[i][v]);
        }
    }
    // The sums added to (or stored in) the tile's rows of C: row i at c + row_offsets[i].
    CK_UNROLL for (int i = 0; i < 6; i++) CK_UNROLL for (int v = 0; v < 2; v++) {
        double *out = c + row_offsets[i] + v * 8;
        ckv_avx512_f64 sum = accumulate ? ckv_avx512_f64_add(ckv_avx512_f64_load_tail(out, nr - v * 8), acc[i][v]) : acc[i][v];
        ckv_avx512_f64_store_tail(out, sum, nr - v * 8);
    }
}

CKV_TARGET __attribute__((noinline)) static void ck_tile_6x2(long depth, long taps, long tap, long channel,
        const double *const *rows, double *b, const double *source, long ld_source, const double *ahead, long ahead_rows,
        double *c, const long *row_offsets, long nr, int accumulate) {
    if (source)
        ck_tile_body_6x2(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 1);
    else
        ck_tile_body_6x2(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 0);
}

// `pack` (a constant at each call): read dy's rows at `source` and store them into the panel.
// `ahead`: `ahead_rows` rows of the next chunk (ld_source apart), fetched into L2 one a step.
CKV_INLINE void ck_tile_body_6x3(long depth, long taps, long tap, long channel, const double *const *rows,
        double *b, const double *source, long ld_source, const double *ahead, long ahead_rows, double *c,
        const long *row_offsets, long nr, int accumulate, int pack) {
    ckv_avx512_f64 acc[6][3];
    CK_UNROLL for (int i = 0; i < 6; i++) CK_UNROLL for (int v = 0; v < 3; v++) acc[i][v] = ckv_avx512_f64_zero();
    for (long p = 0; p < depth; p++) {
        const double *a = rows[p * taps + tap] + channel;
        ckv_avx512_f64 bv[3];
        CK_UNROLL for (int v = 0; v < 3; v++) {
            if (pack) {
                // dy's rows come from memory, ld_source apart: fetch them 16 rows ahead.
                __builtin_prefetch(source + (p + 16) * ld_source + v * 8);
                bv[v] = ckv_avx512_f64_load_tail(source + p * ld_source + v * 8, nr - v * 8);
                ckv_avx512_f64_store(b + p * 32 + v * 8, bv[v]);
            } else {
                if (p < ahead_rows) __builtin_prefetch(ahead + p * ld_source + v * 8, 0, 2);
                bv[v] = ckv_avx512_f64_load(b + p * 32 + v * 8);
            }
        }
        CK_UNROLL for (int i = 0; i < 6; i++) {
            ckv_avx512_f64 ai = ckv_avx512_f64_set1(a[i]);
            CK_UNROLL for (int v = 0; v < 3; v++) acc[i][v] = ckv_avx512_f64_fma(ai, bv[v], acc[i][v]);
        }
    }
    // The sums added to (or stored in) the tile's rows of C: row i at c + row_offsets[i].
    CK_UNROLL for (int i = 0; i < 6; i++) CK_UNROLL for (int v = 0; v < 3; v++) {
        double *out = c + row_offsets[i] + v * 8;
        ckv_avx512_f64 sum = accumulate ? ckv_avx512_f64_add(ckv_avx512_f64_load_tail(out, nr - v * 8), acc[i][v]) : acc[i][v];
        ckv_avx512_f64_store_tail(out, sum, nr - v * 8);
    }
}

CKV_TARGET __attribute__((noinline)) static void ck_tile_6x3(long depth, long taps, long tap, long channel,
        const double *const *rows, double *b, const double *source, long ld_source, const double *ahead, long ahead_rows,
        double *c, const long *row_offsets, long nr, int accumulate) {
    if (source)
        ck_tile_body_6x3(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 1);
    else
        ck_tile_body_6x3(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 0);
}

// `pack` (a constant at each call): read dy's rows at `source` and store them into the panel.
// `ahead`: `ahead_rows` rows of the next chunk (ld_source apart), fetched into L2 one a step.
CKV_INLINE void ck_tile_body_6x4(long depth, long taps, long tap, long channel, const double *const *rows,
        double *b, const double *source, long ld_source, const double *ahead, long ahead_rows, double *c,
        const long *row_offsets, long nr, int accumulate, int pack) {
    ckv_avx512_f64 acc[6][4];
    CK_UNROLL for (int i = 0; i < 6; i++) CK_UNROLL for (int v = 0; v < 4; v++) acc[i][v] = ckv_avx512_f64_zero();
    for (long p = 0; p < depth; p++) {
        const double *a = rows[p * taps + tap] + channel;
        ckv_avx512_f64 bv[4];
        CK_UNROLL for (int v = 0; v < 4; v++) {
            if (pack) {
                // dy's rows come from memory, ld_source apart: fetch them 16 rows ahead.
                __builtin_prefetch(source + (p + 16) * ld_source + v * 8);
                bv[v] = ckv_avx512_f64_load_tail(source + p * ld_source + v * 8, nr - v * 8);
                ckv_avx512_f64_store(b + p * 32 + v * 8, bv[v]);
            } else {
                if (p < ahead_rows) __builtin_prefetch(ahead + p * ld_source + v * 8, 0, 2);
                bv[v] = ckv_avx512_f64_load(b + p * 32 + v * 8);
            }
        }
        CK_UNROLL for (int i = 0; i < 6; i++) {
            ckv_avx512_f64 ai = ckv_avx512_f64_set1(a[i]);
            CK_UNROLL for (int v = 0; v < 4; v++) acc[i][v] = ckv_avx512_f64_fma(ai, bv[v], acc[i][v]);
        }
    }
    // The sums added to (or stored in) the tile's rows of C: row i at c + row_offsets[i].
    CK_UNROLL for (int i = 0; i < 6; i++) CK_UNROLL for (int v = 0; v < 4; v++) {
        double *out = c + row_offsets[i] + v * 8;
        ckv_avx512_f64 sum = accumulate ? ckv_avx512_f64_add(ckv_avx512_f64_load_tail(out, nr - v * 8), acc[i][v]) : acc[i][v];
        ckv_avx512_f64_store_tail(out, sum, nr - v * 8);
    }
}

CKV_TARGET __attribute__((noinline)) static void ck_tile_6x4(long depth, long taps, long tap, long channel,
        const double *const *rows, double *b, const double *source, long ld_source, const double *ahead, long ahead_rows,
        double *c, const long *row_offsets, long nr, int accumulate) {
    if (source)
        ck_tile_body_6x4(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 1);
    else
        ck_tile_body_6x4(depth, taps, tap, channel, rows, b, source, ld_source, ahead, ahead_rows, c, row_offsets,
                                  nr, accumulate, 0);
}

typedef void (*ck_wg_tile)(long, long, long, long, const double *const *, double *, const double *, long, const double *, long,
                           double *, const long *, long, int);

// Tile [mr − 1][nv − 1] has mr rows and nv vectors.
static const ck_wg_tile ck_wg_tiles[6][4] = {
    {ck_tile_1x1, ck_tile_1x2, ck_tile_1x3, ck_tile_1x4},
    {ck_tile_2x1, ck_tile_2x2, ck_tile_2x3, ck_tile_2x4},
    {ck_tile_3x1, ck_tile_3x2, ck_tile_3x3, ck_tile_3x4},
    {ck_tile_4x1, ck_tile_4x2, ck_tile_4x3, ck_tile_4x4},
    {ck_tile_5x1, ck_tile_5x2, ck_tile_5x3, ck_tile_5x4},
    {ck_tile_6x1, ck_tile_6x2, ck_tile_6x3, ck_tile_6x4}
};

CKV_TARGET void ck_f64_weight_gradient_6x32__avx512(long m, long row_base, long n, long depth, long taps,
                                                       long channels, const double *const *rows, double *b,
                                                       const double *b_source, long ld_source, const double *b_next,
                                                       long next_depth, double *c, const long *row_offsets,
                                                       int accumulate) {
    // The rows the first tile packs, and the next chunk's rows shared out over the others by
    // their place in [first, m).
    long first = 6 < m ? 6 : m;
    if (channels - row_base % channels < first) first = channels - row_base % channels;
    long mr;
    // The depth in pieces of CK_WEIGHT_GRADIENT_CHAIN pixels, every tile over one piece before
    // the next: each piece's sums are added to C, so the chains are the same on every
    // instruction set and thread count, and a tile's input lines (one a pixel) stay in L1
    // across the panels, where 256 lines 256 bytes apart (pointwise-56's pixels) fell into a
    // quarter of L1's sets (its AVX2 weight gradient: 25.3 → 22.7 ms). The caller packs and
    // fetches whole chunks, which read the planes of an NCHW dy in longer runs.
    for (long p0 = 0; p0 < depth; p0 += CK_WEIGHT_GRADIENT_CHAIN) {
        long piece = depth - p0 < CK_WEIGHT_GRADIENT_CHAIN ? depth - p0 : CK_WEIGHT_GRADIENT_CHAIN;
        // This piece's share of the next chunk's rows.
        long next0 = next_depth * p0 / depth, next1 = next_depth * (p0 + piece) / depth;
        // Row tiles outside, panels inside: a tile's input lines stay in L1 across the panels.
        for (long i0 = 0; i0 < m; i0 += mr) {
            long tap = (row_base + i0) / channels, channel = (row_base + i0) % channels;
            // A tile ends with its tap, so that it reads one pointer a pixel.
            mr = m - i0 < 6 ? m - i0 : 6;
            if (channels - channel < mr) mr = channels - channel;
            for (long j0 = 0; j0 < n; j0 += 32) {
                long nr = n - j0 < 32 ? n - j0 : 32;
                // The first tile of rows packs each panel's rows of the piece; the others read them.
                const double *source = b_source && i0 == 0 ? b_source + p0 * ld_source + j0 : 0;
                const double *ahead = 0;
                long lo = 0, hi = 0;
                if (b_next && i0 > 0) {
                    lo = next0 + (next1 - next0) * (i0 - first) / (m - first);
                    hi = next0 + (next1 - next0) * (i0 + mr - first) / (m - first);
                    ahead = b_next + lo * ld_source + j0;
                }
                ck_wg_tiles[mr - 1][(nr + 8 - 1) / 8 - 1](
                    piece, taps, tap, channel, rows + p0 * taps, b + j0 * depth + p0 * 32, source, ld_source,
                    ahead, hi - lo, c + j0, row_offsets + i0, nr, accumulate || p0 > 0);
            }
        }
    }
}

// Bias gradient beside the weight gradient (CConvKitKernels.h, ck_spanel_sums): sum[j] +=
// Σ_p dy[p, j] over dy as this kernel packs it, in panels of 32 columns, each column's sum in
// the order of p, so that every instruction set adds the same. `count` panels from panel u0
// (count a constant at each call): 2 at a time keep 2 × 4 chains of adds in flight.
CKV_INLINE void ck_panel_sums_group(const double *packed, long rows, long n, long u0, int count, double *sum) {
    ckv_avx512_f64 acc[2][4];
    CK_UNROLL for (int q = 0; q < count; q++) CK_UNROLL for (int v = 0; v < 4; v++) {
        long j = (u0 + q) * 32 + v * 8;
        acc[q][v] = ckv_avx512_f64_load_tail(sum + j, n - j);
    }
    for (long p = 0; p < rows; p++) {
        CK_UNROLL for (int q = 0; q < count; q++) CK_UNROLL for (int v = 0; v < 4; v++)
            acc[q][v] = ckv_avx512_f64_add(acc[q][v], ckv_avx512_f64_load(packed + ((u0 + q) * rows + p) * 32 + v * 8));
    }
    CK_UNROLL for (int q = 0; q < count; q++) CK_UNROLL for (int v = 0; v < 4; v++) {
        long j = (u0 + q) * 32 + v * 8;
        ckv_avx512_f64_store_tail(sum + j, acc[q][v], n - j);
    }
}

CKV_TARGET void ck_f64_panel_sums_32__avx512(const double *packed, long rows, long n, double *sum) {
    long panels = (n + 32 - 1) / 32, u = 0;
    for (; u + 2 <= panels; u += 2) ck_panel_sums_group(packed, rows, n, u, 2, sum);
    for (; u < panels; u++) ck_panel_sums_group(packed, rows, n, u, 1, sum);
}
#endif  // defined(__x86_64__)
