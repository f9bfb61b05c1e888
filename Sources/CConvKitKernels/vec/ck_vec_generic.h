// The portable vector layer of the kernel templates (templates/*.c.in): GNU C vectors of 16
// bytes (4 floats or 2 doubles), which GCC and Clang compile to SSE2 on x86-64 and NEON on
// ARM64. a · b + c is written as such; compilers fuse it where the target has FMA.
#ifndef CK_VEC_GENERIC_H
#define CK_VEC_GENERIC_H

/// Placed before every function of a generated portable kernel file.
#define CKV_TARGET
#define CKV_INLINE __attribute__((always_inline)) static inline

typedef float ckv_generic_f32 __attribute__((vector_size(16)));
typedef double ckv_generic_f64 __attribute__((vector_size(16)));

CKV_INLINE ckv_generic_f32 ckv_generic_f32_zero(void) { return (ckv_generic_f32){0}; }
CKV_INLINE ckv_generic_f32 ckv_generic_f32_set1(float x) { return (ckv_generic_f32){0} + x; }
CKV_INLINE ckv_generic_f32 ckv_generic_f32_load(const float *p) {
    ckv_generic_f32 v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}
CKV_INLINE void ckv_generic_f32_store(float *p, ckv_generic_f32 v) { __builtin_memcpy(p, &v, sizeof v); }
CKV_INLINE ckv_generic_f32 ckv_generic_f32_add(ckv_generic_f32 a, ckv_generic_f32 b) { return a + b; }
/// a · b + c (fused where the target can).
CKV_INLINE ckv_generic_f32 ckv_generic_f32_fma(ckv_generic_f32 a, ckv_generic_f32 b, ckv_generic_f32 c) {
    return a * b + c;
}
/// The first n elements at p (n may exceed the lanes), zero in the other lanes; memory past
/// them is not read.
CKV_INLINE ckv_generic_f32 ckv_generic_f32_load_tail(const float *p, long n) {
    if (n >= 4) return ckv_generic_f32_load(p);
    ckv_generic_f32 v = {0};
    for (long i = 0; i < n; i++) v[i] = p[i];
    return v;
}
/// Stores the first n lanes (n may exceed the lanes) and nothing past them.
CKV_INLINE void ckv_generic_f32_store_tail(float *p, ckv_generic_f32 v, long n) {
    if (n >= 4) { ckv_generic_f32_store(p, v); return; }
    for (long i = 0; i < n; i++) p[i] = v[i];
}

CKV_INLINE ckv_generic_f64 ckv_generic_f64_zero(void) { return (ckv_generic_f64){0}; }
CKV_INLINE ckv_generic_f64 ckv_generic_f64_set1(double x) { return (ckv_generic_f64){0} + x; }
CKV_INLINE ckv_generic_f64 ckv_generic_f64_load(const double *p) {
    ckv_generic_f64 v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}
CKV_INLINE void ckv_generic_f64_store(double *p, ckv_generic_f64 v) { __builtin_memcpy(p, &v, sizeof v); }
CKV_INLINE ckv_generic_f64 ckv_generic_f64_add(ckv_generic_f64 a, ckv_generic_f64 b) { return a + b; }
CKV_INLINE ckv_generic_f64 ckv_generic_f64_fma(ckv_generic_f64 a, ckv_generic_f64 b, ckv_generic_f64 c) {
    return a * b + c;
}
CKV_INLINE ckv_generic_f64 ckv_generic_f64_load_tail(const double *p, long n) {
    if (n >= 2) return ckv_generic_f64_load(p);
    ckv_generic_f64 v = {0};
    for (long i = 0; i < n; i++) v[i] = p[i];
    return v;
}
CKV_INLINE void ckv_generic_f64_store_tail(double *p, ckv_generic_f64 v, long n) {
    if (n >= 2) { ckv_generic_f64_store(p, v); return; }
    for (long i = 0; i < n; i++) p[i] = v[i];
}
#endif
