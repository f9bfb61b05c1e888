// AVX-512 micro-kernels: an 8 × (2 vectors) tile of C kept in 16 zmm registers while A is
// broadcast one element at a time and B is loaded two vectors per step. (Taller tiles make
// clang spill accumulators to the stack.)
#include "CConvKitKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define CK_UNROLL _Pragma("clang loop unroll(full)")

// T: element type, V: vector type, SUF: intrinsic suffix, LANES: elements per vector.
#define CK_AVX512_GEMM(NAME, T, V, SUF, LANES)                                                     \
    __attribute__((target("avx512f"))) void NAME(long m, long n, long kc, const T *a, const T *b,  \
                                                 T *c, const long *ro, int accumulate) {          \
        enum { MR = 8,  NR = 2 * LANES };                                                          \
        for (long j0 = 0; j0 < n; j0 += NR) {                                                      \
            const T *bp = b + (j0 / NR) * kc * NR;                                                 \
            long nr = n - j0 < NR ? n - j0 : NR;                                                   \
            __mmask16 mask0 = nr >= LANES ? (__mmask16)((1u << LANES) - 1) : (__mmask16)((1u << nr) - 1); \
            __mmask16 mask1 = nr > LANES ? (__mmask16)((1u << (nr - LANES)) - 1) : 0;              \
            for (long i0 = 0; i0 < m; i0 += MR) {                                                  \
                const T *ap = a + (i0 / MR) * kc * MR;                                             \
                long mr = m - i0 < MR ? m - i0 : MR;                                               \
                V c0[MR], c1[MR];                                                                  \
                CK_UNROLL for (int i = 0; i < MR; i++) {                                           \
                    c0[i] = _mm512_setzero_##SUF();                                                \
                    c1[i] = _mm512_setzero_##SUF();                                                \
                }                                                                                  \
                for (long p = 0; p < kc; p++) {                                                    \
                    V b0 = _mm512_loadu_##SUF(bp + p * NR);                                        \
                    V b1 = _mm512_loadu_##SUF(bp + p * NR + LANES);                                \
                    CK_UNROLL for (int i = 0; i < MR; i++) {                                       \
                        V ai = _mm512_set1_##SUF(ap[p * MR + i]);                                  \
                        c0[i] = _mm512_fmadd_##SUF(ai, b0, c0[i]);                                 \
                        c1[i] = _mm512_fmadd_##SUF(ai, b1, c1[i]);                                 \
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

CK_AVX512_GEMM(ck_sgemm_avx512, float, __m512, ps, 16)
CK_AVX512_GEMM(ck_dgemm_avx512, double, __m512d, pd, 8)

// 24 independent accumulator chains hide the FMA latency on two pipes.
__attribute__((target("avx512f"))) float ck_peak_avx512(long iterations) {
    __m512 acc[24];
    __m512 x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-7f);
    CK_UNROLL for (int i = 0; i < 24; i++) acc[i] = _mm512_set1_ps((float)i);
    for (long it = 0; it < iterations; it++) {
        CK_UNROLL for (int i = 0; i < 24; i++) acc[i] = _mm512_fmadd_ps(acc[i], x, y);
    }
    __m512 sum = acc[0];
    CK_UNROLL for (int i = 1; i < 24; i++) sum = _mm512_add_ps(sum, acc[i]);
    return _mm512_reduce_add_ps(sum);
}
#endif

#if defined(__x86_64__)
// Indirect AVX-512 kernels: 8 rows of A read through pointers, an 8 × (2 vectors) tile of C.
#define CK_AVX512_INDIRECT(NAME, T, V, SUF, LANES)                                                 \
    __attribute__((target("avx512f"))) void NAME(long m, long n, long taps, long channels,         \
                                                 const T *const *rows, const T *b, const T *bias,  \
                                                 T *c, const long *ro, int accumulate) {           \
        enum { MR = 8, NR = 2 * LANES };                                                           \
        long kc = taps * channels;                                                                 \
        for (long j0 = 0; j0 < n; j0 += NR) {                                                      \
            long nr = n - j0 < NR ? n - j0 : NR;                                                   \
            __mmask16 mask0 = nr >= LANES ? (__mmask16)((1u << LANES) - 1) : (__mmask16)((1u << nr) - 1); \
            __mmask16 mask1 = nr > LANES ? (__mmask16)((1u << (nr - LANES)) - 1) : 0;              \
            for (long i0 = 0; i0 < m; i0 += MR) {                                                  \
                long mr = m - i0 < MR ? m - i0 : MR;                                               \
                const T *bp = b + (j0 / NR) * kc * NR;                                             \
                V bias0 = bias ? _mm512_maskz_loadu_##SUF(mask0, bias + j0) : _mm512_setzero_##SUF(); \
                V bias1 = bias ? _mm512_maskz_loadu_##SUF(mask1, bias + j0 + LANES) : _mm512_setzero_##SUF(); \
                V c0[MR], c1[MR];                                                                  \
                CK_UNROLL for (int i = 0; i < MR; i++) {                                           \
                    c0[i] = bias0;                                                                 \
                    c1[i] = bias1;                                                                 \
                }                                                                                  \
                for (long t = 0; t < taps; t++) {                                                  \
                    const T *a[MR];                                                                \
                    /* Rows past m repeat row 0: computed, never stored. */                        \
                    CK_UNROLL for (int i = 0; i < MR; i++)                                         \
                        a[i] = rows[(i < mr ? i0 + i : i0) * taps + t];                            \
                    for (long p = 0; p < channels; p++) {                                          \
                        V b0 = _mm512_loadu_##SUF(bp);                                             \
                        V b1 = _mm512_loadu_##SUF(bp + LANES);                                     \
                        bp += NR;                                                                  \
                        CK_UNROLL for (int i = 0; i < MR; i++) {                                   \
                            V ai = _mm512_set1_##SUF(a[i][p]);                                     \
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

CK_AVX512_INDIRECT(ck_sgemm_indirect_avx512, float, __m512, ps, 16)
CK_AVX512_INDIRECT(ck_dgemm_indirect_avx512, double, __m512d, pd, 8)
#endif
