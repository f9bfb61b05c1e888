// Weight-gradient micro-kernels: dW[(tap, c), k] (+)= Σ_p x[p, tap, c] · dy[p, k], reading the
// input through per-pixel tap pointers and the output gradient in place.
#include "CConvKitKernels.h"

// Tap and channel of each row of a tile; rows past m repeat the last row (computed, never stored).
#define CK_TILE_ROWS(MR)                                                                           \
    long tap[MR], channel[MR];                                                                     \
    for (int i = 0; i < MR; i++) {                                                                 \
        long row = row_base + (i0 + i < m ? i0 + i : m - 1);                                       \
        tap[i] = row / channels;                                                                   \
        channel[i] = row % channels;                                                               \
    }                                                                                              \
    int one_tap = tap[0] == tap[MR - 1] && channel[MR - 1] - channel[0] == MR - 1;

#define CK_GENERIC_WEIGHT_GRADIENT(NAME, T)                                                        \
    void NAME(long m, long row_base, long n, long depth, long taps, long channels, const T *const *rows,          \
              const T *b, long ldb, T *c, const long *ro, int accumulate) {                        \
        enum { MR = 4, NR = 8 };                                                                   \
        for (long j0 = 0; j0 < n; j0 += NR) {                                                      \
            long nr = n - j0 < NR ? n - j0 : NR;                                                   \
            for (long i0 = 0; i0 < m; i0 += MR) {                                                  \
                long mr = m - i0 < MR ? m - i0 : MR;                                               \
                CK_TILE_ROWS(MR)                                                                   \
                (void)one_tap;                                                                     \
                T tile[MR][NR] = {{0}};                                                            \
                for (long p = 0; p < depth; p++) {                                                 \
                    const T *const *pixel = rows + p * taps;                                       \
                    const T *bp = b + p * ldb + j0;                                                \
                    for (int i = 0; i < MR; i++) {                                                 \
                        T ai = pixel[tap[i]][channel[i]];                                          \
                        for (long j = 0; j < nr; j++) tile[i][j] += ai * bp[j];                    \
                    }                                                                              \
                }                                                                                  \
                for (long i = 0; i < mr; i++) {                                                    \
                    T *row = c + ro[i0 + i] + j0;                                                  \
                    for (long j = 0; j < nr; j++) row[j] = (accumulate ? row[j] : 0) + tile[i][j]; \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
    }

CK_GENERIC_WEIGHT_GRADIENT(ck_sgemm_weight_gradient_generic, float)
CK_GENERIC_WEIGHT_GRADIENT(ck_dgemm_weight_gradient_generic, double)

#if defined(__x86_64__)
#include <immintrin.h>
#define CK_UNROLL _Pragma("clang loop unroll(full)")

// Masked loads never touch the columns past n, so the last panel of dy is read in place too.
#define CK_AVX512_WEIGHT_GRADIENT(NAME, T, V, SUF, LANES)                                          \
    __attribute__((target("avx512f"))) void NAME(long m, long row_base, long n, long depth,        \
                                                 long taps, long channels, const T *const *rows, const T *b,  \
                                                 long ldb, T *c, const long *ro, int accumulate) { \
        enum { MR = 8, NR = 2 * LANES };                                                           \
        for (long j0 = 0; j0 < n; j0 += NR) {                                                      \
            long nr = n - j0 < NR ? n - j0 : NR;                                                   \
            __mmask16 mask0 = nr >= LANES ? (__mmask16)((1u << LANES) - 1) : (__mmask16)((1u << nr) - 1); \
            __mmask16 mask1 = nr > LANES ? (__mmask16)((1u << (nr - LANES)) - 1) : 0;              \
            for (long i0 = 0; i0 < m; i0 += MR) {                                                  \
                long mr = m - i0 < MR ? m - i0 : MR;                                               \
                CK_TILE_ROWS(MR)                                                                   \
                V c0[MR], c1[MR];                                                                  \
                CK_UNROLL for (int i = 0; i < MR; i++) {                                           \
                    c0[i] = _mm512_setzero_##SUF();                                                \
                    c1[i] = _mm512_setzero_##SUF();                                                \
                }                                                                                  \
                if (one_tap) {                                                                     \
                    /* The tile's rows are consecutive channels of one tap: one pointer a pixel. */ \
                    for (long p = 0; p < depth; p++) {                                             \
                        const T *a = rows[p * taps + tap[0]] + channel[0];                         \
                        const T *bp = b + p * ldb + j0;                                            \
                        V b0 = _mm512_maskz_loadu_##SUF(mask0, bp);                                \
                        V b1 = _mm512_maskz_loadu_##SUF(mask1, bp + LANES);                        \
                        CK_UNROLL for (int i = 0; i < MR; i++) {                                   \
                            V ai = _mm512_set1_##SUF(a[i]);                                        \
                            c0[i] = _mm512_fmadd_##SUF(ai, b0, c0[i]);                             \
                            c1[i] = _mm512_fmadd_##SUF(ai, b1, c1[i]);                             \
                        }                                                                          \
                    }                                                                              \
                } else {                                                                           \
                    for (long p = 0; p < depth; p++) {                                             \
                        const T *const *pixel = rows + p * taps;                                   \
                        const T *bp = b + p * ldb + j0;                                            \
                        V b0 = _mm512_maskz_loadu_##SUF(mask0, bp);                                \
                        V b1 = _mm512_maskz_loadu_##SUF(mask1, bp + LANES);                        \
                        CK_UNROLL for (int i = 0; i < MR; i++) {                                   \
                            V ai = _mm512_set1_##SUF(pixel[tap[i]][channel[i]]);                   \
                            c0[i] = _mm512_fmadd_##SUF(ai, b0, c0[i]);                             \
                            c1[i] = _mm512_fmadd_##SUF(ai, b1, c1[i]);                             \
                        }                                                                          \
                    }                                                                              \
                }                                                                                  \
                for (long i = 0; i < mr; i++) {                                                    \
                    T *row = c + ro[i0 + i] + j0;                                                  \
                    V r0 = c0[i], r1 = c1[i];                                                      \
                    if (accumulate) {                                                              \
                        r0 = _mm512_add_##SUF(r0, _mm512_maskz_loadu_##SUF(mask0, row));           \
                        r1 = _mm512_add_##SUF(r1, _mm512_maskz_loadu_##SUF(mask1, row + LANES));   \
                    }                                                                              \
                    _mm512_mask_storeu_##SUF(row, mask0, r0);                                      \
                    _mm512_mask_storeu_##SUF(row + LANES, mask1, r1);                              \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
    }

CK_AVX512_WEIGHT_GRADIENT(ck_sgemm_weight_gradient_avx512, float, __m512, ps, 16)
CK_AVX512_WEIGHT_GRADIENT(ck_dgemm_weight_gradient_avx512, double, __m512d, pd, 8)
#endif
