// Few-column kernels: dot products along the contiguous channel axis, for outputs with 1 to 4
// columns (the input gradient of a first layer).
#include "CConvKitKernels.h"

#define CK_GENERIC_FEW_COLUMNS(NAME, T)                                                            \
    void NAME(long m, long n, long taps, long channels, const T *const *rows, const T *const *b,   \
              long bcs, T *c, const long *ro) {                                                    \
        for (long i = 0; i < m; i++) {                                                             \
            T sum[4] = {0, 0, 0, 0};                                                               \
            for (long t = 0; t < taps; t++) {                                                      \
                const T *a = rows[i * taps + t];                                                   \
                for (long j = 0; j < n; j++) {                                                     \
                    const T *w = b[t] + j * bcs;                                                   \
                    for (long k = 0; k < channels; k++) sum[j] += a[k] * w[k];                     \
                }                                                                                  \
            }                                                                                      \
            for (long j = 0; j < n; j++) c[ro[i] + j] = sum[j];                                    \
        }                                                                                          \
    }

CK_GENERIC_FEW_COLUMNS(ck_sgemm_few_columns_generic, float)
CK_GENERIC_FEW_COLUMNS(ck_dgemm_few_columns_generic, double)

#if defined(__x86_64__)
#include <immintrin.h>

// Two rows at a time share each load of the weights; a masked load takes the channel tail.
#define CK_AVX512_FEW_COLUMNS(NAME, T, V, SUF, LANES)                                              \
    __attribute__((target("avx512f"))) void NAME(long m, long n, long taps, long channels,         \
                                                 const T *const *rows, const T *const *b,          \
                                                 long bcs, T *c, const long *ro) {                 \
        for (long i = 0; i < m; i += 2) {                                                          \
            long second = i + 1 < m ? i + 1 : i;                                                   \
            V s0[4] = {_mm512_setzero_##SUF(), _mm512_setzero_##SUF(), _mm512_setzero_##SUF(), _mm512_setzero_##SUF()}; \
            V s1[4] = {_mm512_setzero_##SUF(), _mm512_setzero_##SUF(), _mm512_setzero_##SUF(), _mm512_setzero_##SUF()}; \
            for (long t = 0; t < taps; t++) {                                                      \
                const T *a0 = rows[i * taps + t], *a1 = rows[second * taps + t];                   \
                for (long k = 0; k < channels; k += LANES) {                                       \
                    __mmask16 mask = channels - k >= LANES ? (__mmask16)((1u << LANES) - 1)        \
                                                           : (__mmask16)((1u << (channels - k)) - 1); \
                    V x0 = _mm512_maskz_loadu_##SUF(mask, a0 + k);                                 \
                    V x1 = _mm512_maskz_loadu_##SUF(mask, a1 + k);                                 \
                    for (long j = 0; j < n; j++) {                                                 \
                        V w = _mm512_maskz_loadu_##SUF(mask, b[t] + j * bcs + k);                  \
                        s0[j] = _mm512_fmadd_##SUF(x0, w, s0[j]);                                  \
                        s1[j] = _mm512_fmadd_##SUF(x1, w, s1[j]);                                  \
                    }                                                                              \
                }                                                                                  \
            }                                                                                      \
            for (long j = 0; j < n; j++) {                                                         \
                c[ro[i] + j] = _mm512_reduce_add_##SUF(s0[j]);                                     \
                if (second != i) c[ro[second] + j] = _mm512_reduce_add_##SUF(s1[j]);               \
            }                                                                                      \
        }                                                                                          \
    }

CK_AVX512_FEW_COLUMNS(ck_sgemm_few_columns_avx512, float, __m512, ps, 16)
CK_AVX512_FEW_COLUMNS(ck_dgemm_few_columns_avx512, double, __m512d, pd, 8)
#endif

void ck_sgemm_few_columns(int isa, long m, long n, long taps, long channels, const float *const *a_rows,
                          const float *const *b_taps, long b_column_stride, float *c, const long *row_offsets) {
#if defined(__x86_64__)
    if (isa == CK_ISA_AVX512) {
        ck_sgemm_few_columns_avx512(m, n, taps, channels, a_rows, b_taps, b_column_stride, c, row_offsets);
        return;
    }
#endif
    ck_sgemm_few_columns_generic(m, n, taps, channels, a_rows, b_taps, b_column_stride, c, row_offsets);
}

void ck_dgemm_few_columns(int isa, long m, long n, long taps, long channels, const double *const *a_rows,
                          const double *const *b_taps, long b_column_stride, double *c, const long *row_offsets) {
#if defined(__x86_64__)
    if (isa == CK_ISA_AVX512) {
        ck_dgemm_few_columns_avx512(m, n, taps, channels, a_rows, b_taps, b_column_stride, c, row_offsets);
        return;
    }
#endif
    ck_dgemm_few_columns_generic(m, n, taps, channels, a_rows, b_taps, b_column_stride, c, row_offsets);
}
