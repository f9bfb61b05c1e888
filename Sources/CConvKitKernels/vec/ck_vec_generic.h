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
/// Every lane x, its sign kept (0 + x would turn −0 into +0).
CKV_INLINE ckv_generic_f32 ckv_generic_f32_set1(float x) { return (ckv_generic_f32){x, x, x, x}; }
CKV_INLINE ckv_generic_f32 ckv_generic_f32_load(const float *p) {
    ckv_generic_f32 v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}
CKV_INLINE void ckv_generic_f32_store(float *p, ckv_generic_f32 v) { __builtin_memcpy(p, &v, sizeof v); }
CKV_INLINE ckv_generic_f32 ckv_generic_f32_add(ckv_generic_f32 a, ckv_generic_f32 b) { return a + b; }
CKV_INLINE ckv_generic_f32 ckv_generic_f32_sub(ckv_generic_f32 a, ckv_generic_f32 b) { return a - b; }
/// a · b + c (fused where the target can).
CKV_INLINE ckv_generic_f32 ckv_generic_f32_fma(ckv_generic_f32 a, ckv_generic_f32 b, ckv_generic_f32 c) {
    return a * b + c;
}
/// The first n elements at p (n may exceed the lanes), zero in the other lanes; memory past
/// them is not read.
CKV_INLINE ckv_generic_f32 ckv_generic_f32_load_tail(const float *p, long n) {
    if (n >= 4) return ckv_generic_f32_load(p);
    // Lane by lane: GCC turned a loop into a memcpy it then judged out of bounds.
    ckv_generic_f32 v = {0};
    if (n > 0) v[0] = p[0];
    if (n > 1) v[1] = p[1];
    if (n > 2) v[2] = p[2];
    return v;
}
/// Stores the first n lanes (n may exceed the lanes) and nothing past them.
CKV_INLINE void ckv_generic_f32_store_tail(float *p, ckv_generic_f32 v, long n) {
    if (n >= 4) { ckv_generic_f32_store(p, v); return; }
    for (long i = 0; i < n; i++) p[i] = v[i];
}

CKV_INLINE ckv_generic_f64 ckv_generic_f64_zero(void) { return (ckv_generic_f64){0}; }
CKV_INLINE ckv_generic_f64 ckv_generic_f64_set1(double x) { return (ckv_generic_f64){x, x}; }
CKV_INLINE ckv_generic_f64 ckv_generic_f64_load(const double *p) {
    ckv_generic_f64 v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}
CKV_INLINE void ckv_generic_f64_store(double *p, ckv_generic_f64 v) { __builtin_memcpy(p, &v, sizeof v); }
CKV_INLINE ckv_generic_f64 ckv_generic_f64_add(ckv_generic_f64 a, ckv_generic_f64 b) { return a + b; }
CKV_INLINE ckv_generic_f64 ckv_generic_f64_sub(ckv_generic_f64 a, ckv_generic_f64 b) { return a - b; }
CKV_INLINE ckv_generic_f64 ckv_generic_f64_fma(ckv_generic_f64 a, ckv_generic_f64 b, ckv_generic_f64 c) {
    return a * b + c;
}
CKV_INLINE ckv_generic_f64 ckv_generic_f64_load_tail(const double *p, long n) {
    if (n >= 2) return ckv_generic_f64_load(p);
    ckv_generic_f64 v = {0};
    if (n > 0) v[0] = p[0];
    return v;
}
CKV_INLINE void ckv_generic_f64_store_tail(double *p, ckv_generic_f64 v, long n) {
    if (n >= 2) { ckv_generic_f64_store(p, v); return; }
    for (long i = 0; i < n; i++) p[i] = v[i];
}

// ---- Arithmetic, comparisons, selects and argmax indices (the pooling templates) ----
// A mask is a vector of all-ones or all-zeros integer lanes (what a vector comparison gives);
// an index vector holds one integer per lane of the float vector, of the same width.
typedef int ckv_generic_f32_mask __attribute__((vector_size(16)));
typedef long long ckv_generic_f64_mask __attribute__((vector_size(16)));
typedef int ckv_generic_f32_idx __attribute__((vector_size(16)));
typedef long long ckv_generic_f64_idx __attribute__((vector_size(16)));

/// Ordinary stores are all the portable layer has: nothing to order.
CKV_INLINE void ckv_generic_fence(void) {}

CKV_INLINE ckv_generic_f32 ckv_generic_f32_mul(ckv_generic_f32 a, ckv_generic_f32 b) { return a * b; }
CKV_INLINE ckv_generic_f32 ckv_generic_f32_div(ckv_generic_f32 a, ckv_generic_f32 b) { return a / b; }
/// The lanes where a running maximum b takes v: v > b or v is NaN, unless b is NaN.
CKV_INLINE ckv_generic_f32_mask ckv_generic_f32_max_take(ckv_generic_f32 v, ckv_generic_f32 b) {
    return ~(v <= b) & (b == b);
}
/// The lanes where v > b (none where either is NaN).
CKV_INLINE ckv_generic_f32_mask ckv_generic_f32_greater(ckv_generic_f32 v, ckv_generic_f32 b) { return v > b; }
/// v where v > b, b elsewhere (also where either is NaN), as x86's MAXPS.
CKV_INLINE ckv_generic_f32 ckv_generic_f32_max(ckv_generic_f32 v, ckv_generic_f32 b) {
    ckv_generic_f32_mask m = v > b;
    return (ckv_generic_f32)(((ckv_generic_f32_mask)b & ~m) | ((ckv_generic_f32_mask)v & m));
}
/// Whether any lane is NaN.
CKV_INLINE int ckv_generic_f32_any_nan(ckv_generic_f32 v) {
    ckv_generic_f32_mask m = v != v;
    int any = 0;
    for (int i = 0; i < (int)(sizeof m / sizeof m[0]); i++) any |= m[i];
    return any != 0;
}
/// b where m is set, a elsewhere.
CKV_INLINE ckv_generic_f32 ckv_generic_f32_select(ckv_generic_f32_mask m, ckv_generic_f32 a, ckv_generic_f32 b) {
    return (ckv_generic_f32)(((ckv_generic_f32_mask)a & ~m) | ((ckv_generic_f32_mask)b & m));
}
CKV_INLINE void ckv_generic_f32_store_stream(float *p, ckv_generic_f32 v) { ckv_generic_f32_store(p, v); }
CKV_INLINE ckv_generic_f32_idx ckv_generic_f32_idx_set1(int i) { return (ckv_generic_f32_idx){0} + i; }
CKV_INLINE ckv_generic_f32_idx ckv_generic_f32_idx_select(ckv_generic_f32_mask m, ckv_generic_f32_idx a, ckv_generic_f32_idx b) {
    return (a & ~m) | (b & m);
}
CKV_INLINE ckv_generic_f32_mask ckv_generic_f32_idx_eq(ckv_generic_f32_idx a, ckv_generic_f32_idx b) { return a == b; }
typedef unsigned char ckv_generic_u8x4 __attribute__((vector_size(4)));
typedef unsigned char ckv_generic_u8x2 __attribute__((vector_size(2)));
typedef int ckv_generic_i32x2 __attribute__((vector_size(8)));

/// The first n (at most 4) indices at p, stored as bytes (`bytes` 1) or int32 (4); 0 past n.
CKV_INLINE ckv_generic_f32_idx ckv_generic_f32_idx_load(const void *p, int bytes, long n) {
    long k = n < 0 ? 0 : n > 4 ? 4 : n;
    if (bytes == 1) {
        ckv_generic_u8x4 narrow = {0};
        __builtin_memcpy(&narrow, p, (unsigned long)k);
        return __builtin_convertvector(narrow, ckv_generic_f32_idx);
    }
    ckv_generic_f32_idx a = {0};
    __builtin_memcpy(&a, p, (unsigned long)k * 4);
    return a;
}
/// Stores the first n (at most 4) indices at p as bytes (`bytes` 1) or int32 (4).
CKV_INLINE void ckv_generic_f32_idx_store(void *p, int bytes, ckv_generic_f32_idx a, long n) {
    long k = n < 0 ? 0 : n > 4 ? 4 : n;
    if (bytes == 1) {
        ckv_generic_u8x4 narrow = __builtin_convertvector(a, ckv_generic_u8x4);
        __builtin_memcpy(p, &narrow, (unsigned long)k);
    } else {
        __builtin_memcpy(p, &a, (unsigned long)k * 4);
    }
}

CKV_INLINE ckv_generic_f64 ckv_generic_f64_mul(ckv_generic_f64 a, ckv_generic_f64 b) { return a * b; }
CKV_INLINE ckv_generic_f64 ckv_generic_f64_div(ckv_generic_f64 a, ckv_generic_f64 b) { return a / b; }
CKV_INLINE ckv_generic_f64_mask ckv_generic_f64_max_take(ckv_generic_f64 v, ckv_generic_f64 b) {
    return ~(v <= b) & (b == b);
}
CKV_INLINE ckv_generic_f64_mask ckv_generic_f64_greater(ckv_generic_f64 v, ckv_generic_f64 b) { return v > b; }
CKV_INLINE ckv_generic_f64 ckv_generic_f64_max(ckv_generic_f64 v, ckv_generic_f64 b) {
    ckv_generic_f64_mask m = v > b;
    return (ckv_generic_f64)(((ckv_generic_f64_mask)b & ~m) | ((ckv_generic_f64_mask)v & m));
}
CKV_INLINE int ckv_generic_f64_any_nan(ckv_generic_f64 v) {
    ckv_generic_f64_mask m = v != v;
    long long any = 0;
    for (int i = 0; i < (int)(sizeof m / sizeof m[0]); i++) any |= m[i];
    return any != 0;
}
CKV_INLINE ckv_generic_f64 ckv_generic_f64_select(ckv_generic_f64_mask m, ckv_generic_f64 a, ckv_generic_f64 b) {
    return (ckv_generic_f64)(((ckv_generic_f64_mask)a & ~m) | ((ckv_generic_f64_mask)b & m));
}
CKV_INLINE void ckv_generic_f64_store_stream(double *p, ckv_generic_f64 v) { ckv_generic_f64_store(p, v); }
CKV_INLINE ckv_generic_f64_idx ckv_generic_f64_idx_set1(int i) { return (ckv_generic_f64_idx){0} + i; }
CKV_INLINE ckv_generic_f64_idx ckv_generic_f64_idx_select(ckv_generic_f64_mask m, ckv_generic_f64_idx a, ckv_generic_f64_idx b) {
    return (a & ~m) | (b & m);
}
CKV_INLINE ckv_generic_f64_mask ckv_generic_f64_idx_eq(ckv_generic_f64_idx a, ckv_generic_f64_idx b) { return a == b; }
CKV_INLINE ckv_generic_f64_idx ckv_generic_f64_idx_load(const void *p, int bytes, long n) {
    long k = n < 0 ? 0 : n > 2 ? 2 : n;
    if (bytes == 1) {
        ckv_generic_u8x2 narrow = {0};
        __builtin_memcpy(&narrow, p, (unsigned long)k);
        return __builtin_convertvector(narrow, ckv_generic_f64_idx);
    }
    ckv_generic_i32x2 words = {0};
    __builtin_memcpy(&words, p, (unsigned long)k * 4);
    return __builtin_convertvector(words, ckv_generic_f64_idx);
}
CKV_INLINE void ckv_generic_f64_idx_store(void *p, int bytes, ckv_generic_f64_idx a, long n) {
    long k = n < 0 ? 0 : n > 2 ? 2 : n;
    if (bytes == 1) {
        ckv_generic_u8x2 narrow = __builtin_convertvector(a, ckv_generic_u8x2);
        __builtin_memcpy(p, &narrow, (unsigned long)k);
    } else {
        ckv_generic_i32x2 words = __builtin_convertvector(a, ckv_generic_i32x2);
        __builtin_memcpy(p, &words, (unsigned long)k * 4);
    }
}

// ---- Strided rows (the NCHW pooling template) ----
/// Lanes i < n (n clamped to the lanes) hold p[i · stride], the others 0; nothing past
/// p[(n − 1) · stride] is read (n may exceed the lanes).
CKV_INLINE ckv_generic_f32 ckv_generic_f32_load_strided_tail(const float *p, long stride, long n) {
    if (stride == 1) return ckv_generic_f32_load_tail(p, n);
    ckv_generic_f32 v = {0};
    for (long i = 0; i < n && i < 4; i++) v[i] = p[i * stride];
    return v;
}
/// Lanes i < n (n clamped to the lanes) of *even and *odd hold p[2i] and p[2i + 1], the others
/// 0; nothing past p[2n − 1] is read (n may exceed the lanes).
CKV_INLINE void ckv_generic_f32_load_pairs_tail(const float *p, long n, ckv_generic_f32 *even, ckv_generic_f32 *odd) {
    ckv_generic_f32 e = {0}, o = {0};
    for (long i = 0; i < n && i < 4; i++) {
        e[i] = p[2 * i];
        o[i] = p[2 * i + 1];
    }
    *even = e;
    *odd = o;
}
/// carry's last lane, then v's lanes 0 … 2: v moved up a lane (a row's taps one column on, from
/// the vector before and this one).
CKV_INLINE ckv_generic_f32 ckv_generic_f32_shift_in(ckv_generic_f32 v, ckv_generic_f32 carry) {
    return __builtin_shufflevector(carry, v, 3, 4, 5, 6);
}
/// p[2i] = a[i] and p[2i + 1] = b[i] for i < n (n clamped to the lanes); nothing else is written.
CKV_INLINE void ckv_generic_f32_store_interleaved_tail(float *p, ckv_generic_f32 a, ckv_generic_f32 b, long n) {
    for (long i = 0; i < n && i < 4; i++) {
        p[2 * i] = a[i];
        p[2 * i + 1] = b[i];
    }
}
CKV_INLINE ckv_generic_f64 ckv_generic_f64_load_strided_tail(const double *p, long stride, long n) {
    if (stride == 1) return ckv_generic_f64_load_tail(p, n);
    ckv_generic_f64 v = {0};
    for (long i = 0; i < n && i < 2; i++) v[i] = p[i * stride];
    return v;
}
CKV_INLINE void ckv_generic_f64_load_pairs_tail(const double *p, long n, ckv_generic_f64 *even, ckv_generic_f64 *odd) {
    ckv_generic_f64 e = {0}, o = {0};
    for (long i = 0; i < n && i < 2; i++) {
        e[i] = p[2 * i];
        o[i] = p[2 * i + 1];
    }
    *even = e;
    *odd = o;
}
CKV_INLINE ckv_generic_f64 ckv_generic_f64_shift_in(ckv_generic_f64 v, ckv_generic_f64 carry) {
    return __builtin_shufflevector(carry, v, 1, 2);
}
CKV_INLINE void ckv_generic_f64_store_interleaved_tail(double *p, ckv_generic_f64 a, ckv_generic_f64 b, long n) {
    for (long i = 0; i < n && i < 2; i++) {
        p[2 * i] = a[i];
        p[2 * i + 1] = b[i];
    }
}

// ---- Transposes (the transpose template) ----
/// Transposes the 4 × 4 matrix whose row i is v[i], in place.
CKV_INLINE void ckv_generic_f32_transpose(ckv_generic_f32 v[4]) {
    ckv_generic_f32 t0 = __builtin_shufflevector(v[0], v[1], 0, 4, 1, 5), t1 = __builtin_shufflevector(v[0], v[1], 2, 6, 3, 7);
    ckv_generic_f32 t2 = __builtin_shufflevector(v[2], v[3], 0, 4, 1, 5), t3 = __builtin_shufflevector(v[2], v[3], 2, 6, 3, 7);
    v[0] = __builtin_shufflevector(t0, t2, 0, 1, 4, 5);
    v[1] = __builtin_shufflevector(t0, t2, 2, 3, 6, 7);
    v[2] = __builtin_shufflevector(t1, t3, 0, 1, 4, 5);
    v[3] = __builtin_shufflevector(t1, t3, 2, 3, 6, 7);
}
/// Transposes the 2 × 2 matrix whose row i is v[i], in place.
CKV_INLINE void ckv_generic_f64_transpose(ckv_generic_f64 v[2]) {
    ckv_generic_f64 t0 = __builtin_shufflevector(v[0], v[1], 0, 2), t1 = __builtin_shufflevector(v[0], v[1], 1, 3);
    v[0] = t0;
    v[1] = t1;
}
/// v[j] = column j of the 4 × 4 block whose row i is src[i · ld …].
CKV_INLINE void ckv_generic_f32_transpose_load(ckv_generic_f32 v[4], const float *src, long ld) {
    CK_UNROLL for (int i = 0; i < 4; i++) v[i] = ckv_generic_f32_load(src + i * ld);
    ckv_generic_f32_transpose(v);
}
/// v[j] = column j of the 2 × 2 block whose row i is src[i · ld …].
CKV_INLINE void ckv_generic_f64_transpose_load(ckv_generic_f64 v[2], const double *src, long ld) {
    CK_UNROLL for (int i = 0; i < 2; i++) v[i] = ckv_generic_f64_load(src + i * ld);
    ckv_generic_f64_transpose(v);
}
#endif
