// AVX2 micro-kernels: a 6 × (2 vectors) tile of C in 12 ymm registers.
#include "CConvKitKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define CK_UNROLL _Pragma("clang loop unroll(full)")

// Edge tiles go through a local buffer: AVX2 has no cheap masked store for every width.
#define CK_AVX2_GEMM(NAME, T, V, SUF, LANES)                                                       \
    __attribute__((target("avx2,fma"))) void NAME(long m, long n, long kc, const T *a, const T *b, \
                                                  T *c, const long *ro, int accumulate) {         \
        enum { MR = 6, NR = 2 * LANES };                                                           \
        for (long j0 = 0; j0 < n; j0 += NR) {                                                      \
            const T *bp = b + (j0 / NR) * kc * NR;                                                 \
            long nr = n - j0 < NR ? n - j0 : NR;                                                   \
            for (long i0 = 0; i0 < m; i0 += MR) {                                                  \
                const T *ap = a + (i0 / MR) * kc * MR;                                             \
                long mr = m - i0 < MR ? m - i0 : MR;                                               \
                V c0[MR], c1[MR];                                                                  \
                CK_UNROLL for (int i = 0; i < MR; i++) {                                           \
                    c0[i] = _mm256_setzero_##SUF();                                                \
                    c1[i] = _mm256_setzero_##SUF();                                                \
                }                                                                                  \
                for (long p = 0; p < kc; p++) {                                                    \
                    V b0 = _mm256_loadu_##SUF(bp + p * NR);                                        \
                    V b1 = _mm256_loadu_##SUF(bp + p * NR + LANES);                                \
                    CK_UNROLL for (int i = 0; i < MR; i++) {                                       \
                        V ai = _mm256_set1_##SUF(ap[p * MR + i]);                                  \
                        c0[i] = _mm256_fmadd_##SUF(ai, b0, c0[i]);                                 \
                        c1[i] = _mm256_fmadd_##SUF(ai, b1, c1[i]);                                 \
                    }                                                                              \
                }                                                                                  \
                T tile[MR][NR];                                                                    \
                CK_UNROLL for (int i = 0; i < MR; i++) {                                           \
                    _mm256_storeu_##SUF(tile[i], c0[i]);                                           \
                    _mm256_storeu_##SUF(tile[i] + LANES, c1[i]);                                   \
                }                                                                                  \
                for (long i = 0; i < mr; i++) {                                                    \
                    T *row = c + ro[i0 + i] + j0;                                                  \
                    for (long j = 0; j < nr; j++) row[j] = (accumulate ? row[j] : 0) + tile[i][j]; \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
    }

CK_AVX2_GEMM(ck_sgemm_avx2, float, __m256, ps, 8)
CK_AVX2_GEMM(ck_dgemm_avx2, double, __m256d, pd, 4)

__attribute__((target("avx2,fma"))) float ck_peak_avx2(long iterations) {
    __m256 acc[12];
    __m256 x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-7f);
    CK_UNROLL for (int i = 0; i < 12; i++) acc[i] = _mm256_set1_ps((float)i);
    for (long it = 0; it < iterations; it++) {
        CK_UNROLL for (int i = 0; i < 12; i++) acc[i] = _mm256_fmadd_ps(acc[i], x, y);
    }
    float out[8], total = 0;
    __m256 sum = acc[0];
    CK_UNROLL for (int i = 1; i < 12; i++) sum = _mm256_add_ps(sum, acc[i]);
    _mm256_storeu_ps(out, sum);
    for (int i = 0; i < 8; i++) total += out[i];
    return total;
}
#endif

#if defined(__x86_64__)
// Indirect AVX2 kernels: 6 rows of A through pointers, a 6 × (2 vectors) tile of C.
#define CK_AVX2_INDIRECT(NAME, T, V, SUF, LANES)                                                   \
    __attribute__((target("avx2,fma"))) void NAME(long m, long n, long taps, long channels,        \
                                                  const T *const *rows, const T *b, const T *bias, \
                                                  T *c, const long *ro, int accumulate) {          \
        enum { MR = 6, NR = 2 * LANES };                                                           \
        long kc = taps * channels;                                                                 \
        for (long j0 = 0; j0 < n; j0 += NR) {                                                      \
            long nr = n - j0 < NR ? n - j0 : NR;                                                   \
            for (long i0 = 0; i0 < m; i0 += MR) {                                                  \
                long mr = m - i0 < MR ? m - i0 : MR;                                               \
                const T *bp = b + (j0 / NR) * kc * NR;                                             \
                V c0[MR], c1[MR];                                                                  \
                CK_UNROLL for (int i = 0; i < MR; i++) {                                           \
                    c0[i] = _mm256_setzero_##SUF();                                                \
                    c1[i] = _mm256_setzero_##SUF();                                                \
                }                                                                                  \
                for (long t = 0; t < taps; t++) {                                                  \
                    const T *a[MR];                                                                \
                    CK_UNROLL for (int i = 0; i < MR; i++)                                         \
                        a[i] = rows[(i < mr ? i0 + i : i0) * taps + t];                            \
                    for (long p = 0; p < channels; p++) {                                          \
                        V b0 = _mm256_loadu_##SUF(bp);                                             \
                        V b1 = _mm256_loadu_##SUF(bp + LANES);                                     \
                        bp += NR;                                                                  \
                        CK_UNROLL for (int i = 0; i < MR; i++) {                                   \
                            V ai = _mm256_set1_##SUF(a[i][p]);                                     \
                            c0[i] = _mm256_fmadd_##SUF(ai, b0, c0[i]);                             \
                            c1[i] = _mm256_fmadd_##SUF(ai, b1, c1[i]);                             \
                        }                                                                          \
                    }                                                                              \
                }                                                                                  \
                T tile[MR][NR];                                                                    \
                CK_UNROLL for (int i = 0; i < MR; i++) {                                           \
                    _mm256_storeu_##SUF(tile[i], c0[i]);                                           \
                    _mm256_storeu_##SUF(tile[i] + LANES, c1[i]);                                   \
                }                                                                                  \
                for (long i = 0; i < mr; i++) {                                                    \
                    T *row = c + ro[i0 + i] + j0;                                                  \
                    for (long j = 0; j < nr; j++)                                                  \
                        row[j] = (accumulate ? row[j] : 0) + (bias ? bias[j0 + j] : 0) + tile[i][j];  \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
    }

CK_AVX2_INDIRECT(ck_sgemm_indirect_avx2, float, __m256, ps, 8)
CK_AVX2_INDIRECT(ck_dgemm_indirect_avx2, double, __m256d, pd, 4)
#endif
