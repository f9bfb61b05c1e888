// The AVX-512F vector layer of the kernel templates (templates/*.c.in): 16 floats or 8 doubles
// a vector. Every function is what its name says, nothing more; a template never calls an
// intrinsic itself.
#ifndef CK_VEC_AVX512_H
#define CK_VEC_AVX512_H
#include <immintrin.h>

/// Placed before every function of a generated AVX-512 kernel file.
#define CKV_TARGET __attribute__((target("avx512f")))
#define CKV_INLINE __attribute__((target("avx512f"), always_inline)) static inline

typedef __m512 ckv_avx512_f32;
typedef __m512d ckv_avx512_f64;

// The lanes 0 ..< n of a vector (n clamped to 0 ... lanes).
CKV_INLINE __mmask16 ckv_avx512_lanes(long n, long lanes) {
    return n >= lanes ? (__mmask16)((1u << lanes) - 1) : n <= 0 ? (__mmask16)0 : (__mmask16)((1u << n) - 1);
}

CKV_INLINE ckv_avx512_f32 ckv_avx512_f32_zero(void) { return _mm512_setzero_ps(); }
CKV_INLINE ckv_avx512_f32 ckv_avx512_f32_set1(float x) { return _mm512_set1_ps(x); }
CKV_INLINE ckv_avx512_f32 ckv_avx512_f32_load(const float *p) { return _mm512_loadu_ps(p); }
CKV_INLINE void ckv_avx512_f32_store(float *p, ckv_avx512_f32 v) { _mm512_storeu_ps(p, v); }
CKV_INLINE ckv_avx512_f32 ckv_avx512_f32_add(ckv_avx512_f32 a, ckv_avx512_f32 b) { return _mm512_add_ps(a, b); }
/// a · b + c, rounded once.
CKV_INLINE ckv_avx512_f32 ckv_avx512_f32_fma(ckv_avx512_f32 a, ckv_avx512_f32 b, ckv_avx512_f32 c) {
    return _mm512_fmadd_ps(a, b, c);
}
/// The first n elements at p (n may exceed the lanes), zero in the other lanes; memory past
/// them is not read. A full vector takes the plain load: masked accesses are several times
/// slower when the line is not in L1.
CKV_INLINE ckv_avx512_f32 ckv_avx512_f32_load_tail(const float *p, long n) {
    return n >= 16 ? _mm512_loadu_ps(p) : _mm512_maskz_loadu_ps(ckv_avx512_lanes(n, 16), p);
}
/// Stores the first n lanes (n may exceed the lanes) and nothing past them.
CKV_INLINE void ckv_avx512_f32_store_tail(float *p, ckv_avx512_f32 v, long n) {
    if (n >= 16) _mm512_storeu_ps(p, v); else _mm512_mask_storeu_ps(p, ckv_avx512_lanes(n, 16), v);
}

CKV_INLINE ckv_avx512_f64 ckv_avx512_f64_zero(void) { return _mm512_setzero_pd(); }
CKV_INLINE ckv_avx512_f64 ckv_avx512_f64_set1(double x) { return _mm512_set1_pd(x); }
CKV_INLINE ckv_avx512_f64 ckv_avx512_f64_load(const double *p) { return _mm512_loadu_pd(p); }
CKV_INLINE void ckv_avx512_f64_store(double *p, ckv_avx512_f64 v) { _mm512_storeu_pd(p, v); }
CKV_INLINE ckv_avx512_f64 ckv_avx512_f64_add(ckv_avx512_f64 a, ckv_avx512_f64 b) { return _mm512_add_pd(a, b); }
CKV_INLINE ckv_avx512_f64 ckv_avx512_f64_fma(ckv_avx512_f64 a, ckv_avx512_f64 b, ckv_avx512_f64 c) {
    return _mm512_fmadd_pd(a, b, c);
}
CKV_INLINE ckv_avx512_f64 ckv_avx512_f64_load_tail(const double *p, long n) {
    return n >= 8 ? _mm512_loadu_pd(p) : _mm512_maskz_loadu_pd((__mmask8)ckv_avx512_lanes(n, 8), p);
}
CKV_INLINE void ckv_avx512_f64_store_tail(double *p, ckv_avx512_f64 v, long n) {
    if (n >= 8) _mm512_storeu_pd(p, v); else _mm512_mask_storeu_pd(p, (__mmask8)ckv_avx512_lanes(n, 8), v);
}
#endif
