// Portable micro-kernels: plain C the compiler may vectorise for the baseline instruction set.
#include "CConvKitKernels.h"

#define CK_GENERIC_GEMM(NAME, T)                                                                   \
    void NAME(long m, long n, long kc, const T *a, const T *b, T *c, const long *ro, int accumulate) { \
        enum { MR = 4, NR = 8 };                                                                   \
        for (long j0 = 0; j0 < n; j0 += NR) {                                                      \
            const T *bp = b + (j0 / NR) * kc * NR;                                                 \
            long nr = n - j0 < NR ? n - j0 : NR;                                                   \
            for (long i0 = 0; i0 < m; i0 += MR) {                                                  \
                const T *ap = a + (i0 / MR) * kc * MR;                                             \
                long mr = m - i0 < MR ? m - i0 : MR;                                               \
                T tile[MR][NR] = {{0}};                                                            \
                for (long p = 0; p < kc; p++) {                                                    \
                    for (int i = 0; i < MR; i++) {                                                 \
                        T ai = ap[p * MR + i];                                                     \
                        for (int j = 0; j < NR; j++) tile[i][j] += ai * bp[p * NR + j];            \
                    }                                                                              \
                }                                                                                  \
                for (long i = 0; i < mr; i++) {                                                    \
                    T *row = c + ro[i0 + i] + j0;                                                  \
                    for (long j = 0; j < nr; j++) row[j] = (accumulate ? row[j] : 0) + tile[i][j]; \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
    }

CK_GENERIC_GEMM(ck_sgemm_generic, float)
CK_GENERIC_GEMM(ck_dgemm_generic, double)

float ck_peak_generic(long iterations) {
    float acc[8] = {0, 1, 2, 3, 4, 5, 6, 7}, total = 0;
    for (long it = 0; it < iterations; it++) {
        for (int i = 0; i < 8; i++) acc[i] = acc[i] * 0.999999f + 1e-7f;
    }
    for (int i = 0; i < 8; i++) total += acc[i];
    return total;
}

#define CK_GENERIC_INDIRECT(NAME, T)                                                               \
    void NAME(long m, long n, long taps, long channels, const T *const *rows, const T *b,          \
              const T *bias, T *c, const long *ro, int accumulate) {                               \
        enum { MR = 4, NR = 8 };                                                                   \
        long kc = taps * channels;                                                                 \
        for (long j0 = 0; j0 < n; j0 += NR) {                                                      \
            long nr = n - j0 < NR ? n - j0 : NR;                                                   \
            for (long i0 = 0; i0 < m; i0 += MR) {                                                  \
                long mr = m - i0 < MR ? m - i0 : MR;                                               \
                const T *bp = b + (j0 / NR) * kc * NR;                                             \
                T tile[MR][NR] = {{0}};                                                            \
                for (long t = 0; t < taps; t++) {                                                  \
                    for (long p = 0; p < channels; p++) {                                          \
                        for (int i = 0; i < MR; i++) {                                             \
                            T ai = rows[(i < mr ? i0 + i : i0) * taps + t][p];                     \
                            for (int j = 0; j < NR; j++) tile[i][j] += ai * bp[j];                 \
                        }                                                                          \
                        bp += NR;                                                                  \
                    }                                                                              \
                }                                                                                  \
                for (long i = 0; i < mr; i++) {                                                    \
                    T *row = c + ro[i0 + i] + j0;                                                  \
                    for (long j = 0; j < nr; j++)                                                  \
                        row[j] = (accumulate ? row[j] : 0) + (bias ? bias[j0 + j] : 0) + tile[i][j];  \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
    }

CK_GENERIC_INDIRECT(ck_sgemm_indirect_generic, float)
CK_GENERIC_INDIRECT(ck_dgemm_indirect_generic, double)
