// Masked AVX-512 loads and stores that take the plain instruction for a full mask: on this CPU
// masked accesses are several times slower when the line is not in L1. Callers compute the mask
// outside their inner loops, so the test is hoisted.
#ifndef CK_MASKED_H
#define CK_MASKED_H
#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx512f"))) static inline __m512 ck_loadu_ps(__mmask16 mask, const float *p) {
    return mask == 0xFFFF ? _mm512_loadu_ps(p) : _mm512_maskz_loadu_ps(mask, p);
}

__attribute__((target("avx512f"))) static inline void ck_storeu_ps(__mmask16 mask, float *p, __m512 v) {
    if (mask == 0xFFFF) _mm512_storeu_ps(p, v); else _mm512_mask_storeu_ps(p, mask, v);
}

__attribute__((target("avx512f"))) static inline __m512d ck_loadu_pd(__mmask16 mask, const double *p) {
    return (mask & 0xFF) == 0xFF ? _mm512_loadu_pd(p) : _mm512_maskz_loadu_pd((__mmask8)mask, p);
}

__attribute__((target("avx512f"))) static inline void ck_storeu_pd(__mmask16 mask, double *p, __m512d v) {
    if ((mask & 0xFF) == 0xFF) _mm512_storeu_pd(p, v); else _mm512_mask_storeu_pd(p, (__mmask8)mask, v);
}
#endif
#endif
