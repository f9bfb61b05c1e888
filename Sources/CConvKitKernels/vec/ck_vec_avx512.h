// The AVX-512F vector layer of the kernel templates (templates/*.c.in): 16 floats or 8 doubles
// a vector. Every function is what its name says, nothing more; a template never calls an
// intrinsic itself.
#ifndef CK_VEC_AVX512_H
#define CK_VEC_AVX512_H
#include <immintrin.h>
#include <stdint.h>
#include <string.h>
#include "ck_vec_x86.h"

/// Placed before every function of a generated AVX-512 kernel file.
#define CKV_TARGET __attribute__((target("avx512f")))
#define CKV_INLINE __attribute__((target("avx512f"), always_inline)) static inline

typedef __m512 ckv_avx512_f32;
typedef __m512d ckv_avx512_f64;

// The bytes p[0 ..< n] (n clamped to 0 ... 8) of a little-endian integer, read one by one: a
// short copy through memory before a vector load would stall the load (no store forwarding).
CKV_INLINE uint64_t ckv_avx512_bytes8(const void *p, long n) {
    uint64_t v = 0;
    for (long i = n < 8 ? n : 8; i-- > 0;) v = v << 8 | ((const uint8_t *)p)[i];
    return v;
}

// The lanes 0 ..< n of a vector (n clamped to 0 ... lanes).
CKV_INLINE __mmask16 ckv_avx512_lanes(long n, long lanes) {
    return n >= lanes ? (__mmask16)((1u << lanes) - 1) : n <= 0 ? (__mmask16)0 : (__mmask16)((1u << n) - 1);
}

CKV_INLINE ckv_avx512_f32 ckv_avx512_f32_zero(void) { return _mm512_setzero_ps(); }
CKV_INLINE ckv_avx512_f32 ckv_avx512_f32_set1(float x) { return _mm512_set1_ps(x); }
CKV_INLINE ckv_avx512_f32 ckv_avx512_f32_load(const float *p) { return _mm512_loadu_ps(p); }
CKV_INLINE void ckv_avx512_f32_store(float *p, ckv_avx512_f32 v) { _mm512_storeu_ps(p, v); }
CKV_INLINE ckv_avx512_f32 ckv_avx512_f32_add(ckv_avx512_f32 a, ckv_avx512_f32 b) { return _mm512_add_ps(a, b); }
CKV_INLINE ckv_avx512_f32 ckv_avx512_f32_sub(ckv_avx512_f32 a, ckv_avx512_f32 b) { return _mm512_sub_ps(a, b); }
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
CKV_INLINE ckv_avx512_f64 ckv_avx512_f64_sub(ckv_avx512_f64 a, ckv_avx512_f64 b) { return _mm512_sub_pd(a, b); }
CKV_INLINE ckv_avx512_f64 ckv_avx512_f64_fma(ckv_avx512_f64 a, ckv_avx512_f64 b, ckv_avx512_f64 c) {
    return _mm512_fmadd_pd(a, b, c);
}
CKV_INLINE ckv_avx512_f64 ckv_avx512_f64_load_tail(const double *p, long n) {
    return n >= 8 ? _mm512_loadu_pd(p) : _mm512_maskz_loadu_pd((__mmask8)ckv_avx512_lanes(n, 8), p);
}
CKV_INLINE void ckv_avx512_f64_store_tail(double *p, ckv_avx512_f64 v, long n) {
    if (n >= 8) _mm512_storeu_pd(p, v); else _mm512_mask_storeu_pd(p, (__mmask8)ckv_avx512_lanes(n, 8), v);
}

// ---- Arithmetic, comparisons, selects and argmax indices (the pooling templates) ----
// A mask has a bit per lane; an index vector holds one integer per lane of the float vector
// (32-bit lanes beside floats, 64-bit beside doubles), narrowed to bytes or 32 bits in memory.
typedef __mmask16 ckv_avx512_f32_mask;
typedef __mmask8 ckv_avx512_f64_mask;
typedef __m512i ckv_avx512_f32_idx;
typedef __m512i ckv_avx512_f64_idx;

/// Orders the stores before it that bypassed the caches (ckv_*_store_stream) with later ones.
CKV_INLINE void ckv_avx512_fence(void) { _mm_sfence(); }

CKV_INLINE ckv_avx512_f32 ckv_avx512_f32_mul(ckv_avx512_f32 a, ckv_avx512_f32 b) { return _mm512_mul_ps(a, b); }
CKV_INLINE ckv_avx512_f32 ckv_avx512_f32_div(ckv_avx512_f32 a, ckv_avx512_f32 b) { return _mm512_div_ps(a, b); }
/// The lanes where a running maximum b takes v: v > b or v is NaN, unless b is NaN (so the
/// first NaN, or else the first maximum, wins).
CKV_INLINE ckv_avx512_f32_mask ckv_avx512_f32_max_take(ckv_avx512_f32 v, ckv_avx512_f32 b) {
    return _mm512_cmp_ps_mask(v, b, _CMP_NLE_UQ) & _mm512_cmp_ps_mask(b, b, _CMP_ORD_Q);
}
/// The lanes where v > b (none where either is NaN).
CKV_INLINE ckv_avx512_f32_mask ckv_avx512_f32_greater(ckv_avx512_f32 v, ckv_avx512_f32 b) { return _mm512_cmp_ps_mask(v, b, _CMP_GT_OQ); }
/// v where v > b, b elsewhere (also where either is NaN): select(greater(v, b), b, v) in one instruction.
CKV_INLINE ckv_avx512_f32 ckv_avx512_f32_max(ckv_avx512_f32 v, ckv_avx512_f32 b) { return _mm512_max_ps(v, b); }
/// Whether any lane is NaN.
CKV_INLINE int ckv_avx512_f32_any_nan(ckv_avx512_f32 v) { return _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q) != 0; }
/// b where m is set, a elsewhere.
CKV_INLINE ckv_avx512_f32 ckv_avx512_f32_select(ckv_avx512_f32_mask m, ckv_avx512_f32 a, ckv_avx512_f32 b) {
    return _mm512_mask_blend_ps(m, a, b);
}
/// A whole vector stored around the caches where p allows it (a result that is not read back
/// soon: ordinary stores would first read every line they write); an ordinary store otherwise.
CKV_INLINE void ckv_avx512_f32_store_stream(float *p, ckv_avx512_f32 v) {
    if (((uintptr_t)p & 63) == 0) {
        _mm512_stream_ps(p, v);
    } else if (((uintptr_t)p & 15) == 0) {
        _mm_stream_ps(p, _mm512_castps512_ps128(v));
        _mm_stream_ps(p + 4, _mm512_extractf32x4_ps(v, 1));
        _mm_stream_ps(p + 8, _mm512_extractf32x4_ps(v, 2));
        _mm_stream_ps(p + 12, _mm512_extractf32x4_ps(v, 3));
    } else {
        _mm512_storeu_ps(p, v);
    }
}
CKV_INLINE ckv_avx512_f32_idx ckv_avx512_f32_idx_set1(int i) { return _mm512_set1_epi32(i); }
CKV_INLINE ckv_avx512_f32_idx ckv_avx512_f32_idx_select(ckv_avx512_f32_mask m, ckv_avx512_f32_idx a, ckv_avx512_f32_idx b) {
    return _mm512_mask_blend_epi32(m, a, b);
}
CKV_INLINE ckv_avx512_f32_mask ckv_avx512_f32_idx_eq(ckv_avx512_f32_idx a, ckv_avx512_f32_idx b) {
    return _mm512_cmpeq_epi32_mask(a, b);
}
/// The first n (at most 16) indices at p, stored as bytes (`bytes` 1) or int32 (4); 0 past n.
CKV_INLINE ckv_avx512_f32_idx ckv_avx512_f32_idx_load(const void *p, int bytes, long n) {
    if (bytes == 1) {
        if (n >= 16) return _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)p));
        __m128i lanes = _mm_set_epi64x((long long)ckv_avx512_bytes8((const uint8_t *)p + 8, n - 8),
                                       (long long)ckv_avx512_bytes8(p, n));
        return _mm512_cvtepu8_epi32(lanes);
    }
    return n >= 16 ? _mm512_loadu_si512(p) : _mm512_maskz_loadu_epi32(ckv_avx512_lanes(n, 16), p);
}
/// Stores the first n (at most 16) indices at p as bytes (`bytes` 1) or int32 (4). Narrowed in
/// registers, then stored: the narrowing store VPMOVDB m8 is microcoded and slow on AMD.
CKV_INLINE void ckv_avx512_f32_idx_store(void *p, int bytes, ckv_avx512_f32_idx a, long n) {
    if (bytes == 1) {
        __m128i narrow = _mm512_cvtepi32_epi8(a);
        if (n >= 16) { _mm_storeu_si128((__m128i *)p, narrow); return; }
        if (n > 0) ckv_x86_store_bytes(p, narrow, n);
    } else if (n >= 16) {
        _mm512_storeu_si512(p, a);
    } else {
        _mm512_mask_storeu_epi32(p, ckv_avx512_lanes(n, 16), a);
    }
}

CKV_INLINE ckv_avx512_f64 ckv_avx512_f64_mul(ckv_avx512_f64 a, ckv_avx512_f64 b) { return _mm512_mul_pd(a, b); }
CKV_INLINE ckv_avx512_f64 ckv_avx512_f64_div(ckv_avx512_f64 a, ckv_avx512_f64 b) { return _mm512_div_pd(a, b); }
CKV_INLINE ckv_avx512_f64_mask ckv_avx512_f64_max_take(ckv_avx512_f64 v, ckv_avx512_f64 b) {
    return _mm512_cmp_pd_mask(v, b, _CMP_NLE_UQ) & _mm512_cmp_pd_mask(b, b, _CMP_ORD_Q);
}
CKV_INLINE ckv_avx512_f64_mask ckv_avx512_f64_greater(ckv_avx512_f64 v, ckv_avx512_f64 b) { return _mm512_cmp_pd_mask(v, b, _CMP_GT_OQ); }
CKV_INLINE ckv_avx512_f64 ckv_avx512_f64_max(ckv_avx512_f64 v, ckv_avx512_f64 b) { return _mm512_max_pd(v, b); }
CKV_INLINE int ckv_avx512_f64_any_nan(ckv_avx512_f64 v) { return _mm512_cmp_pd_mask(v, v, _CMP_UNORD_Q) != 0; }
CKV_INLINE ckv_avx512_f64 ckv_avx512_f64_select(ckv_avx512_f64_mask m, ckv_avx512_f64 a, ckv_avx512_f64 b) {
    return _mm512_mask_blend_pd(m, a, b);
}
CKV_INLINE void ckv_avx512_f64_store_stream(double *p, ckv_avx512_f64 v) {
    ckv_avx512_f32_store_stream((float *)p, _mm512_castpd_ps(v));
}
CKV_INLINE ckv_avx512_f64_idx ckv_avx512_f64_idx_set1(int i) { return _mm512_set1_epi64(i); }
CKV_INLINE ckv_avx512_f64_idx ckv_avx512_f64_idx_select(ckv_avx512_f64_mask m, ckv_avx512_f64_idx a, ckv_avx512_f64_idx b) {
    return _mm512_mask_blend_epi64(m, a, b);
}
CKV_INLINE ckv_avx512_f64_mask ckv_avx512_f64_idx_eq(ckv_avx512_f64_idx a, ckv_avx512_f64_idx b) {
    return _mm512_cmpeq_epi64_mask(a, b);
}
CKV_INLINE ckv_avx512_f64_idx ckv_avx512_f64_idx_load(const void *p, int bytes, long n) {
    long k = n < 0 ? 0 : n > 8 ? 8 : n;
    if (bytes == 1) return _mm512_cvtepu8_epi64(_mm_cvtsi64_si128((long long)ckv_avx512_bytes8(p, k)));
    if (k == 8) return _mm512_cvtepi32_epi64(_mm256_loadu_si256((const __m256i *)p));
    return _mm512_cvtepi32_epi64(_mm512_castsi512_si256(_mm512_maskz_loadu_epi32(ckv_avx512_lanes(k, 16), p)));
}
CKV_INLINE void ckv_avx512_f64_idx_store(void *p, int bytes, ckv_avx512_f64_idx a, long n) {
    long k = n < 0 ? 0 : n > 8 ? 8 : n;
    if (bytes == 1) {
        ckv_x86_store_bytes(p, _mm512_cvtepi64_epi8(a), k);
    } else {
        _mm512_mask_storeu_epi32(p, ckv_avx512_lanes(k, 16), _mm512_castsi256_si512(_mm512_cvtepi64_epi32(a)));
    }
}

// ---- Strided rows (the NCHW pooling template) ----
/// Lanes i < n (n clamped to the lanes) hold p[i · stride], the others 0; nothing past
/// p[(n − 1) · stride] is read (n may exceed the lanes).
/// Stride 1 is load_tail; stride 2 deinterleaves two loads; other strides go element by element.
CKV_INLINE ckv_avx512_f32 ckv_avx512_f32_load_strided_tail(const float *p, long stride, long n) {
    if (stride == 1) return ckv_avx512_f32_load_tail(p, n);
    if (stride == 2) {
        // p[0 ... 2n − 2], whole vectors once n > 16.
        long k = n > 16 ? 32 : 2 * n - 1;
        __m512 a = ckv_avx512_f32_load_tail(p, k), b = ckv_avx512_f32_load_tail(p + 16, k - 16);
        __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        return _mm512_permutex2var_ps(a, even, b);
    }
    float lanes[16] = {0};
    for (long i = 0; i < n && i < 16; i++) lanes[i] = p[i * stride];
    return _mm512_loadu_ps(lanes);
}
/// Lanes i < n (n clamped to the lanes) of *even and *odd hold p[2i] and p[2i + 1], the others
/// 0; nothing past p[2n − 1] is read (n may exceed the lanes).
CKV_INLINE void ckv_avx512_f32_load_pairs_tail(const float *p, long n, ckv_avx512_f32 *even, ckv_avx512_f32 *odd) {
    long k = n > 16 ? 32 : 2 * n;
    __m512 a = ckv_avx512_f32_load_tail(p, k), b = ckv_avx512_f32_load_tail(p + 16, k - 16);
    *even = _mm512_permutex2var_ps(a, _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), b);
    *odd = _mm512_permutex2var_ps(a, _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31), b);
}
/// carry's last lane, then v's lanes 0 … 14: v moved up a lane (a row's taps one column on, from
/// the vector before and this one).
CKV_INLINE ckv_avx512_f32 ckv_avx512_f32_shift_in(ckv_avx512_f32 v, ckv_avx512_f32 carry) {
    return _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(v), _mm512_castps_si512(carry), 15));
}
/// p[2i] = a[i] and p[2i + 1] = b[i] for i < n (n clamped to the lanes); nothing else is written.
CKV_INLINE void ckv_avx512_f32_store_interleaved_tail(float *p, ckv_avx512_f32 a, ckv_avx512_f32 b, long n) {
    __m512i lo = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    __m512i hi = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    long k = n > 16 ? 32 : 2 * n;
    ckv_avx512_f32_store_tail(p, _mm512_permutex2var_ps(a, lo, b), k);
    if (k > 16) ckv_avx512_f32_store_tail(p + 16, _mm512_permutex2var_ps(a, hi, b), k - 16);
}
CKV_INLINE ckv_avx512_f64 ckv_avx512_f64_load_strided_tail(const double *p, long stride, long n) {
    if (stride == 1) return ckv_avx512_f64_load_tail(p, n);
    if (stride == 2) {
        long k = n > 8 ? 16 : 2 * n - 1;
        __m512d a = ckv_avx512_f64_load_tail(p, k), b = ckv_avx512_f64_load_tail(p + 8, k - 8);
        return _mm512_permutex2var_pd(a, _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14), b);
    }
    double lanes[8] = {0};
    for (long i = 0; i < n && i < 8; i++) lanes[i] = p[i * stride];
    return _mm512_loadu_pd(lanes);
}
CKV_INLINE void ckv_avx512_f64_load_pairs_tail(const double *p, long n, ckv_avx512_f64 *even, ckv_avx512_f64 *odd) {
    long k = n > 8 ? 16 : 2 * n;
    __m512d a = ckv_avx512_f64_load_tail(p, k), b = ckv_avx512_f64_load_tail(p + 8, k - 8);
    *even = _mm512_permutex2var_pd(a, _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14), b);
    *odd = _mm512_permutex2var_pd(a, _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15), b);
}
CKV_INLINE ckv_avx512_f64 ckv_avx512_f64_shift_in(ckv_avx512_f64 v, ckv_avx512_f64 carry) {
    return _mm512_castsi512_pd(_mm512_alignr_epi64(_mm512_castpd_si512(v), _mm512_castpd_si512(carry), 7));
}
CKV_INLINE void ckv_avx512_f64_store_interleaved_tail(double *p, ckv_avx512_f64 a, ckv_avx512_f64 b, long n) {
    long k = n > 8 ? 16 : 2 * n;
    ckv_avx512_f64_store_tail(p, _mm512_permutex2var_pd(a, _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11), b), k);
    if (k > 8) ckv_avx512_f64_store_tail(p + 8, _mm512_permutex2var_pd(a, _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15), b), k - 8);
}

// ---- Transposes (the transpose template) ----
/// Transposes the 16 × 16 matrix whose row i is v[i], in place.
CKV_INLINE void ckv_avx512_f32_transpose(ckv_avx512_f32 v[16]) {
    __m512 t[16], u[16];
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(v[i], v[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(v[i], v[i + 1]);
    }
    // u[4g + c] holds, in its 128-bit lane l, column 4l + c of rows 4g ... 4g + 3.
    for (int i = 0; i < 16; i += 4) {
        for (int k = 0; k < 2; k++) {
            __m512d a = _mm512_castps_pd(t[i + k]), b = _mm512_castps_pd(t[i + 2 + k]);
            u[i + 2 * k] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, b));
            u[i + 2 * k + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, b));
        }
    }
    // Then lane l of the four groups side by side: column 4l + c.
    for (int i = 0; i < 8; i++) {
        int g = i / 4 * 8 + i % 4;
        t[i] = _mm512_shuffle_f32x4(u[g], u[g + 4], 0x88);
        t[i + 8] = _mm512_shuffle_f32x4(u[g], u[g + 4], 0xDD);
    }
    for (int i = 0; i < 4; i++) {
        v[i] = _mm512_shuffle_f32x4(t[i], t[i + 4], 0x88);
        v[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 4], 0xDD);
        v[i + 4] = _mm512_shuffle_f32x4(t[i + 8], t[i + 12], 0x88);
        v[i + 12] = _mm512_shuffle_f32x4(t[i + 8], t[i + 12], 0xDD);
    }
}
/// Transposes the 8 × 8 matrix whose row i is v[i], in place.
CKV_INLINE void ckv_avx512_f64_transpose(ckv_avx512_f64 v[8]) {
    __m512d t[8], u[8];
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm512_unpacklo_pd(v[i], v[i + 1]);
        t[i + 1] = _mm512_unpackhi_pd(v[i], v[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
        for (int k = 0; k < 2; k++) {
            u[i + k] = _mm512_shuffle_f64x2(t[i + k], t[i + 2 + k], 0x88);
            u[i + 2 + k] = _mm512_shuffle_f64x2(t[i + k], t[i + 2 + k], 0xDD);
        }
    }
    for (int k = 0; k < 4; k++) {
        v[k] = _mm512_shuffle_f64x2(u[k], u[k + 4], 0x88);
        v[k + 4] = _mm512_shuffle_f64x2(u[k], u[k + 4], 0xDD);
    }
}
/// v[j] = column j of the 16 × 16 block whose row i is src[i · ld …]: ckv_avx512_f32_transpose
/// of the loaded rows, with half the shuffles. For each group of four columns c … c + 3, four
/// registers are gathered from memory, register r with 128-bit lane R holding those columns of
/// row 4R + r; a 4 × 4 transpose within their lanes then leaves column c + i in v[c + i].
CKV_INLINE void ckv_avx512_f32_transpose_load(ckv_avx512_f32 v[16], const float *src, long ld) {
    CK_UNROLL for (int c = 0; c < 16; c += 4) {
        __m512 p[4];
        CK_UNROLL for (int r = 0; r < 4; r++) {
            const float *s = src + r * ld + c;
            __m512 x = _mm512_castps128_ps512(_mm_loadu_ps(s));
            x = _mm512_insertf32x4(x, _mm_loadu_ps(s + 4 * ld), 1);
            x = _mm512_insertf32x4(x, _mm_loadu_ps(s + 8 * ld), 2);
            p[r] = _mm512_insertf32x4(x, _mm_loadu_ps(s + 12 * ld), 3);
        }
        __m512 t0 = _mm512_unpacklo_ps(p[0], p[1]), t1 = _mm512_unpackhi_ps(p[0], p[1]);
        __m512 t2 = _mm512_unpacklo_ps(p[2], p[3]), t3 = _mm512_unpackhi_ps(p[2], p[3]);
        v[c] = _mm512_shuffle_ps(t0, t2, 0x44);
        v[c + 1] = _mm512_shuffle_ps(t0, t2, 0xEE);
        v[c + 2] = _mm512_shuffle_ps(t1, t3, 0x44);
        v[c + 3] = _mm512_shuffle_ps(t1, t3, 0xEE);
    }
}
/// v[j] = column j of the 8 × 8 block whose row i is src[i · ld …]: for each pair of columns
/// c, c + 1, register r is gathered with 128-bit lane R holding them in row 2R + r, then the two
/// registers are interleaved.
CKV_INLINE void ckv_avx512_f64_transpose_load(ckv_avx512_f64 v[8], const double *src, long ld) {
    CK_UNROLL for (int c = 0; c < 8; c += 2) {
        __m512d p[2];
        CK_UNROLL for (int r = 0; r < 2; r++) {
            const double *s = src + r * ld + c;
            // AVX-512F has no insertf64x2: its lanes as four floats.
            __m512 x = _mm512_castps128_ps512(_mm_castpd_ps(_mm_loadu_pd(s)));
            x = _mm512_insertf32x4(x, _mm_castpd_ps(_mm_loadu_pd(s + 2 * ld)), 1);
            x = _mm512_insertf32x4(x, _mm_castpd_ps(_mm_loadu_pd(s + 4 * ld)), 2);
            p[r] = _mm512_castps_pd(_mm512_insertf32x4(x, _mm_castpd_ps(_mm_loadu_pd(s + 6 * ld)), 3));
        }
        v[c] = _mm512_unpacklo_pd(p[0], p[1]);
        v[c + 1] = _mm512_unpackhi_pd(p[0], p[1]);
    }
}
#endif
