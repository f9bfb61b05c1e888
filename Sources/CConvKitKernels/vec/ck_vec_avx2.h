// The AVX2 + FMA vector layer of the kernel templates (templates/*.c.in): 8 floats or 4 doubles
// a vector. Every function is what its name says, nothing more; a template never calls an
// intrinsic itself.
#ifndef CK_VEC_AVX2_H
#define CK_VEC_AVX2_H
#include <immintrin.h>

/// Placed before every function of a generated AVX2 kernel file.
#define CKV_TARGET __attribute__((target("avx2,fma")))
#define CKV_INLINE __attribute__((target("avx2,fma"), always_inline)) static inline

typedef __m256 ckv_avx2_f32;
typedef __m256d ckv_avx2_f64;

// Lane i of the mask is all ones for i < n (n clamped to 0 ... 8): VMASKMOV's operand.
CKV_INLINE __m256i ckv_avx2_lanes32(long n) {
    long k = n < 0 ? 0 : n > 8 ? 8 : n;
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)k), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
CKV_INLINE __m256i ckv_avx2_lanes64(long n) {
    long k = n < 0 ? 0 : n > 4 ? 4 : n;
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x(k), _mm256_setr_epi64x(0, 1, 2, 3));
}

CKV_INLINE ckv_avx2_f32 ckv_avx2_f32_zero(void) { return _mm256_setzero_ps(); }
CKV_INLINE ckv_avx2_f32 ckv_avx2_f32_set1(float x) { return _mm256_set1_ps(x); }
CKV_INLINE ckv_avx2_f32 ckv_avx2_f32_load(const float *p) { return _mm256_loadu_ps(p); }
CKV_INLINE void ckv_avx2_f32_store(float *p, ckv_avx2_f32 v) { _mm256_storeu_ps(p, v); }
CKV_INLINE ckv_avx2_f32 ckv_avx2_f32_add(ckv_avx2_f32 a, ckv_avx2_f32 b) { return _mm256_add_ps(a, b); }
/// a · b + c, rounded once.
CKV_INLINE ckv_avx2_f32 ckv_avx2_f32_fma(ckv_avx2_f32 a, ckv_avx2_f32 b, ckv_avx2_f32 c) {
    return _mm256_fmadd_ps(a, b, c);
}
/// The first n elements at p (n may exceed the lanes), zero in the other lanes; memory past
/// them is not read (a masked load never faults on masked-off lanes).
CKV_INLINE ckv_avx2_f32 ckv_avx2_f32_load_tail(const float *p, long n) {
    return n >= 8 ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, ckv_avx2_lanes32(n));
}
/// Stores the first n lanes (n may exceed the lanes) and nothing past them. The tail goes
/// through a local copy: VMASKMOV stores are microcoded and slow on AMD.
CKV_INLINE void ckv_avx2_f32_store_tail(float *p, ckv_avx2_f32 v, long n) {
    if (n >= 8) { _mm256_storeu_ps(p, v); return; }
    float lanes[8];
    _mm256_storeu_ps(lanes, v);
    for (long i = 0; i < n; i++) p[i] = lanes[i];
}

CKV_INLINE ckv_avx2_f64 ckv_avx2_f64_zero(void) { return _mm256_setzero_pd(); }
CKV_INLINE ckv_avx2_f64 ckv_avx2_f64_set1(double x) { return _mm256_set1_pd(x); }
CKV_INLINE ckv_avx2_f64 ckv_avx2_f64_load(const double *p) { return _mm256_loadu_pd(p); }
CKV_INLINE void ckv_avx2_f64_store(double *p, ckv_avx2_f64 v) { _mm256_storeu_pd(p, v); }
CKV_INLINE ckv_avx2_f64 ckv_avx2_f64_add(ckv_avx2_f64 a, ckv_avx2_f64 b) { return _mm256_add_pd(a, b); }
CKV_INLINE ckv_avx2_f64 ckv_avx2_f64_fma(ckv_avx2_f64 a, ckv_avx2_f64 b, ckv_avx2_f64 c) {
    return _mm256_fmadd_pd(a, b, c);
}
CKV_INLINE ckv_avx2_f64 ckv_avx2_f64_load_tail(const double *p, long n) {
    return n >= 4 ? _mm256_loadu_pd(p) : _mm256_maskload_pd(p, ckv_avx2_lanes64(n));
}
CKV_INLINE void ckv_avx2_f64_store_tail(double *p, ckv_avx2_f64 v, long n) {
    if (n >= 4) { _mm256_storeu_pd(p, v); return; }
    double lanes[4];
    _mm256_storeu_pd(lanes, v);
    for (long i = 0; i < n; i++) p[i] = lanes[i];
}
#endif
