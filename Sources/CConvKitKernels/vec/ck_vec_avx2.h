// The AVX2 + FMA vector layer of the kernel templates (templates/*.c.in): 8 floats or 4 doubles
// a vector. Every function is what its name says, nothing more; a template never calls an
// intrinsic itself.
#ifndef CK_VEC_AVX2_H
#define CK_VEC_AVX2_H
#include <immintrin.h>
#include <stdint.h>
#include <string.h>
#include "ck_vec_x86.h"

/// Placed before every function of a generated AVX2 kernel file.
#define CKV_TARGET __attribute__((target("avx2,fma")))
#define CKV_INLINE __attribute__((target("avx2,fma"), always_inline)) static inline

typedef __m256 ckv_avx2_f32;
typedef __m256d ckv_avx2_f64;

// The bytes p[0 ..< n] (n clamped to 0 ... 8) of a little-endian integer, read one by one: a
// short copy through memory before a vector load would stall the load (no store forwarding).
CKV_INLINE uint64_t ckv_avx2_bytes8(const void *p, long n) {
    uint64_t v = 0;
    for (long i = n < 8 ? n : 8; i-- > 0;) v = v << 8 | ((const uint8_t *)p)[i];
    return v;
}

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
CKV_INLINE ckv_avx2_f32 ckv_avx2_f32_sub(ckv_avx2_f32 a, ckv_avx2_f32 b) { return _mm256_sub_ps(a, b); }
/// a · b + c, rounded once.
CKV_INLINE ckv_avx2_f32 ckv_avx2_f32_fma(ckv_avx2_f32 a, ckv_avx2_f32 b, ckv_avx2_f32 c) {
    return _mm256_fmadd_ps(a, b, c);
}
/// The first n elements at p (n may exceed the lanes), zero in the other lanes; memory past
/// them is not read (a masked load never faults on masked-off lanes).
CKV_INLINE ckv_avx2_f32 ckv_avx2_f32_load_tail(const float *p, long n) {
    return n >= 8 ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, ckv_avx2_lanes32(n));
}
/// Stores the first n lanes (n may exceed the lanes) and nothing past them. A tail goes out in
/// halves (4, 2, 1 lanes): VMASKMOV stores are microcoded and slow on AMD, and a copy through
/// the stack became a call to memcpy.
CKV_INLINE void ckv_avx2_f32_store_tail(float *p, ckv_avx2_f32 v, long n) {
    if (n >= 8) { _mm256_storeu_ps(p, v); return; }
    if (n <= 0) return;
    __m128 part = _mm256_castps256_ps128(v);
    if (n & 4) {
        _mm_storeu_ps(p, part);
        part = _mm256_extractf128_ps(v, 1);
        p += 4;
    }
    if (n & 2) {
        _mm_storel_pi((__m64 *)p, part);
        part = _mm_movehl_ps(part, part);
        p += 2;
    }
    if (n & 1) _mm_store_ss(p, part);
}

CKV_INLINE ckv_avx2_f64 ckv_avx2_f64_zero(void) { return _mm256_setzero_pd(); }
CKV_INLINE ckv_avx2_f64 ckv_avx2_f64_set1(double x) { return _mm256_set1_pd(x); }
CKV_INLINE ckv_avx2_f64 ckv_avx2_f64_load(const double *p) { return _mm256_loadu_pd(p); }
CKV_INLINE void ckv_avx2_f64_store(double *p, ckv_avx2_f64 v) { _mm256_storeu_pd(p, v); }
CKV_INLINE ckv_avx2_f64 ckv_avx2_f64_add(ckv_avx2_f64 a, ckv_avx2_f64 b) { return _mm256_add_pd(a, b); }
CKV_INLINE ckv_avx2_f64 ckv_avx2_f64_sub(ckv_avx2_f64 a, ckv_avx2_f64 b) { return _mm256_sub_pd(a, b); }
CKV_INLINE ckv_avx2_f64 ckv_avx2_f64_fma(ckv_avx2_f64 a, ckv_avx2_f64 b, ckv_avx2_f64 c) {
    return _mm256_fmadd_pd(a, b, c);
}
CKV_INLINE ckv_avx2_f64 ckv_avx2_f64_load_tail(const double *p, long n) {
    return n >= 4 ? _mm256_loadu_pd(p) : _mm256_maskload_pd(p, ckv_avx2_lanes64(n));
}
CKV_INLINE void ckv_avx2_f64_store_tail(double *p, ckv_avx2_f64 v, long n) {
    if (n >= 4) { _mm256_storeu_pd(p, v); return; }
    if (n <= 0) return;
    __m128d part = _mm256_castpd256_pd128(v);
    if (n & 2) {
        _mm_storeu_pd(p, part);
        part = _mm256_extractf128_pd(v, 1);
        p += 2;
    }
    if (n & 1) _mm_store_sd(p, part);
}

// ---- Arithmetic, comparisons, selects and argmax indices (the pooling templates) ----
// A mask is a vector of all-ones or all-zeros lanes; an index vector holds one integer per lane
// of the float vector (32-bit lanes beside floats, 64-bit beside doubles).
typedef __m256 ckv_avx2_f32_mask;
typedef __m256d ckv_avx2_f64_mask;
typedef __m256i ckv_avx2_f32_idx;
typedef __m256i ckv_avx2_f64_idx;

CKV_INLINE void ckv_avx2_fence(void) { _mm_sfence(); }

CKV_INLINE ckv_avx2_f32 ckv_avx2_f32_mul(ckv_avx2_f32 a, ckv_avx2_f32 b) { return _mm256_mul_ps(a, b); }
CKV_INLINE ckv_avx2_f32 ckv_avx2_f32_div(ckv_avx2_f32 a, ckv_avx2_f32 b) { return _mm256_div_ps(a, b); }
/// The lanes where a running maximum b takes v: v > b or v is NaN, unless b is NaN.
CKV_INLINE ckv_avx2_f32_mask ckv_avx2_f32_max_take(ckv_avx2_f32 v, ckv_avx2_f32 b) {
    return _mm256_and_ps(_mm256_cmp_ps(v, b, _CMP_NLE_UQ), _mm256_cmp_ps(b, b, _CMP_ORD_Q));
}
/// The lanes where v > b (none where either is NaN).
CKV_INLINE ckv_avx2_f32_mask ckv_avx2_f32_greater(ckv_avx2_f32 v, ckv_avx2_f32 b) { return _mm256_cmp_ps(v, b, _CMP_GT_OQ); }
/// v where v > b, b elsewhere (also where either is NaN): select(greater(v, b), b, v) in one instruction.
CKV_INLINE ckv_avx2_f32 ckv_avx2_f32_max(ckv_avx2_f32 v, ckv_avx2_f32 b) { return _mm256_max_ps(v, b); }
/// Whether any lane is NaN.
CKV_INLINE int ckv_avx2_f32_any_nan(ckv_avx2_f32 v) { return _mm256_movemask_ps(_mm256_cmp_ps(v, v, _CMP_UNORD_Q)) != 0; }
/// b where m is set, a elsewhere.
CKV_INLINE ckv_avx2_f32 ckv_avx2_f32_select(ckv_avx2_f32_mask m, ckv_avx2_f32 a, ckv_avx2_f32 b) {
    return _mm256_blendv_ps(a, b, m);
}
/// A whole vector stored around the caches where p allows it; an ordinary store otherwise.
CKV_INLINE void ckv_avx2_f32_store_stream(float *p, ckv_avx2_f32 v) {
    if (((uintptr_t)p & 31) == 0) {
        _mm256_stream_ps(p, v);
    } else if (((uintptr_t)p & 15) == 0) {
        _mm_stream_ps(p, _mm256_castps256_ps128(v));
        _mm_stream_ps(p + 4, _mm256_extractf128_ps(v, 1));
    } else {
        _mm256_storeu_ps(p, v);
    }
}
CKV_INLINE ckv_avx2_f32_idx ckv_avx2_f32_idx_set1(int i) { return _mm256_set1_epi32(i); }
CKV_INLINE ckv_avx2_f32_idx ckv_avx2_f32_idx_select(ckv_avx2_f32_mask m, ckv_avx2_f32_idx a, ckv_avx2_f32_idx b) {
    return _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(a), _mm256_castsi256_ps(b), m));
}
CKV_INLINE ckv_avx2_f32_mask ckv_avx2_f32_idx_eq(ckv_avx2_f32_idx a, ckv_avx2_f32_idx b) {
    return _mm256_castsi256_ps(_mm256_cmpeq_epi32(a, b));
}
/// The first n (at most 8) indices at p, stored as bytes (`bytes` 1) or int32 (4); 0 past n.
CKV_INLINE ckv_avx2_f32_idx ckv_avx2_f32_idx_load(const void *p, int bytes, long n) {
    long k = n < 0 ? 0 : n > 8 ? 8 : n;
    if (bytes == 1) {
        if (k == 8) return _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)p));
        return _mm256_cvtepu8_epi32(_mm_cvtsi64_si128((long long)ckv_avx2_bytes8(p, k)));
    }
    return k == 8 ? _mm256_loadu_si256((const __m256i *)p) : _mm256_maskload_epi32((const int *)p, ckv_avx2_lanes32(k));
}
/// Stores the first n (at most 8) indices at p as bytes (`bytes` 1) or int32 (4).
CKV_INLINE void ckv_avx2_f32_idx_store(void *p, int bytes, ckv_avx2_f32_idx a, long n) {
    long k = n < 0 ? 0 : n > 8 ? 8 : n;
    if (bytes == 1) {
        __m128i words = _mm_packs_epi32(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1));
        __m128i narrow = _mm_packus_epi16(words, words);
        if (k == 8) { _mm_storel_epi64((__m128i *)p, narrow); return; }
        ckv_x86_store_bytes(p, narrow, k);
    } else {
        ckv_avx2_f32_store_tail((float *)p, _mm256_castsi256_ps(a), k);
    }
}

CKV_INLINE ckv_avx2_f64 ckv_avx2_f64_mul(ckv_avx2_f64 a, ckv_avx2_f64 b) { return _mm256_mul_pd(a, b); }
CKV_INLINE ckv_avx2_f64 ckv_avx2_f64_div(ckv_avx2_f64 a, ckv_avx2_f64 b) { return _mm256_div_pd(a, b); }
CKV_INLINE ckv_avx2_f64_mask ckv_avx2_f64_max_take(ckv_avx2_f64 v, ckv_avx2_f64 b) {
    return _mm256_and_pd(_mm256_cmp_pd(v, b, _CMP_NLE_UQ), _mm256_cmp_pd(b, b, _CMP_ORD_Q));
}
CKV_INLINE ckv_avx2_f64_mask ckv_avx2_f64_greater(ckv_avx2_f64 v, ckv_avx2_f64 b) { return _mm256_cmp_pd(v, b, _CMP_GT_OQ); }
CKV_INLINE ckv_avx2_f64 ckv_avx2_f64_max(ckv_avx2_f64 v, ckv_avx2_f64 b) { return _mm256_max_pd(v, b); }
CKV_INLINE int ckv_avx2_f64_any_nan(ckv_avx2_f64 v) { return _mm256_movemask_pd(_mm256_cmp_pd(v, v, _CMP_UNORD_Q)) != 0; }
CKV_INLINE ckv_avx2_f64 ckv_avx2_f64_select(ckv_avx2_f64_mask m, ckv_avx2_f64 a, ckv_avx2_f64 b) {
    return _mm256_blendv_pd(a, b, m);
}
CKV_INLINE void ckv_avx2_f64_store_stream(double *p, ckv_avx2_f64 v) {
    ckv_avx2_f32_store_stream((float *)p, _mm256_castpd_ps(v));
}
CKV_INLINE ckv_avx2_f64_idx ckv_avx2_f64_idx_set1(int i) { return _mm256_set1_epi64x(i); }
CKV_INLINE ckv_avx2_f64_idx ckv_avx2_f64_idx_select(ckv_avx2_f64_mask m, ckv_avx2_f64_idx a, ckv_avx2_f64_idx b) {
    return _mm256_castpd_si256(_mm256_blendv_pd(_mm256_castsi256_pd(a), _mm256_castsi256_pd(b), m));
}
CKV_INLINE ckv_avx2_f64_mask ckv_avx2_f64_idx_eq(ckv_avx2_f64_idx a, ckv_avx2_f64_idx b) {
    return _mm256_castsi256_pd(_mm256_cmpeq_epi64(a, b));
}
CKV_INLINE ckv_avx2_f64_idx ckv_avx2_f64_idx_load(const void *p, int bytes, long n) {
    long k = n < 0 ? 0 : n > 4 ? 4 : n;
    if (bytes == 1) return _mm256_cvtepu8_epi64(_mm_cvtsi64_si128((long long)ckv_avx2_bytes8(p, k)));
    if (k == 4) return _mm256_cvtepi32_epi64(_mm_loadu_si128((const __m128i *)p));
    return _mm256_cvtepi32_epi64(_mm_maskload_epi32((const int *)p, _mm256_castsi256_si128(ckv_avx2_lanes32(k))));
}
CKV_INLINE void ckv_avx2_f64_idx_store(void *p, int bytes, ckv_avx2_f64_idx a, long n) {
    long k = n < 0 ? 0 : n > 4 ? 4 : n;
    int64_t wide[4];
    _mm256_storeu_si256((__m256i *)wide, a);
    for (long i = 0; i < k; i++) {
        if (bytes == 1) ((uint8_t *)p)[i] = (uint8_t)wide[i];
        else ((int32_t *)p)[i] = (int32_t)wide[i];
    }
}

// ---- Strided rows (the NCHW pooling template) ----
/// Lanes i < n (n clamped to the lanes) hold p[i · stride], the others 0; nothing past
/// p[(n − 1) · stride] is read (n may exceed the lanes).
/// Stride 1 is load_tail; stride 2 deinterleaves two loads; other strides go element by element.
CKV_INLINE ckv_avx2_f32 ckv_avx2_f32_load_strided_tail(const float *p, long stride, long n) {
    if (stride == 1) return ckv_avx2_f32_load_tail(p, n);
    if (stride == 2) {
        // p[0 ... 2n − 2], whole vectors once n > 8.
        long k = n > 8 ? 16 : 2 * n - 1;
        __m256 a = ckv_avx2_f32_load_tail(p, k), b = ckv_avx2_f32_load_tail(p + 8, k - 8);
        // a0 a2 b0 b2 | a4 a6 b4 b6, then the middle 64-bit halves swapped.
        __m256 even = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
        return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(even), _MM_SHUFFLE(3, 1, 2, 0)));
    }
    float lanes[8] = {0};
    for (long i = 0; i < n && i < 8; i++) lanes[i] = p[i * stride];
    return _mm256_loadu_ps(lanes);
}
/// Lanes i < n (n clamped to the lanes) of *even and *odd hold p[2i] and p[2i + 1], the others
/// 0; nothing past p[2n − 1] is read (n may exceed the lanes).
CKV_INLINE void ckv_avx2_f32_load_pairs_tail(const float *p, long n, ckv_avx2_f32 *even, ckv_avx2_f32 *odd) {
    long k = n > 8 ? 16 : 2 * n;
    __m256 a = ckv_avx2_f32_load_tail(p, k), b = ckv_avx2_f32_load_tail(p + 8, k - 8);
    // a0 a2 b0 b2 | a4 a6 b4 b6 (and the odd ones), then the middle 64-bit halves swapped.
    __m256 e = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)), o = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
    *even = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), _MM_SHUFFLE(3, 1, 2, 0)));
    *odd = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(o), _MM_SHUFFLE(3, 1, 2, 0)));
}
/// carry's last lane, then v's lanes 0 … 6: v moved up a lane (a row's taps one column on, from
/// the vector before and this one).
CKV_INLINE ckv_avx2_f32 ckv_avx2_f32_shift_in(ckv_avx2_f32 v, ckv_avx2_f32 carry) {
    // carry 4 … 7, v 0 … 3; then each 128-bit half shifted by a lane from the half below.
    __m256 low = _mm256_permute2f128_ps(carry, v, 0x21);
    return _mm256_castsi256_ps(_mm256_alignr_epi8(_mm256_castps_si256(v), _mm256_castps_si256(low), 12));
}
/// p[2i] = a[i] and p[2i + 1] = b[i] for i < n (n clamped to the lanes); nothing else is written.
CKV_INLINE void ckv_avx2_f32_store_interleaved_tail(float *p, ckv_avx2_f32 a, ckv_avx2_f32 b, long n) {
    __m256 lo = _mm256_unpacklo_ps(a, b), hi = _mm256_unpackhi_ps(a, b);
    long k = n > 8 ? 16 : 2 * n;
    ckv_avx2_f32_store_tail(p, _mm256_permute2f128_ps(lo, hi, 0x20), k);
    if (k > 8) ckv_avx2_f32_store_tail(p + 8, _mm256_permute2f128_ps(lo, hi, 0x31), k - 8);
}
CKV_INLINE ckv_avx2_f64 ckv_avx2_f64_load_strided_tail(const double *p, long stride, long n) {
    if (stride == 1) return ckv_avx2_f64_load_tail(p, n);
    if (stride == 2) {
        long k = n > 4 ? 8 : 2 * n - 1;
        __m256d a = ckv_avx2_f64_load_tail(p, k), b = ckv_avx2_f64_load_tail(p + 4, k - 4);
        // a0 b0 a2 b2, then the middle lanes swapped.
        return _mm256_permute4x64_pd(_mm256_unpacklo_pd(a, b), _MM_SHUFFLE(3, 1, 2, 0));
    }
    double lanes[4] = {0};
    for (long i = 0; i < n && i < 4; i++) lanes[i] = p[i * stride];
    return _mm256_loadu_pd(lanes);
}
CKV_INLINE void ckv_avx2_f64_load_pairs_tail(const double *p, long n, ckv_avx2_f64 *even, ckv_avx2_f64 *odd) {
    long k = n > 4 ? 8 : 2 * n;
    __m256d a = ckv_avx2_f64_load_tail(p, k), b = ckv_avx2_f64_load_tail(p + 4, k - 4);
    *even = _mm256_permute4x64_pd(_mm256_unpacklo_pd(a, b), _MM_SHUFFLE(3, 1, 2, 0));
    *odd = _mm256_permute4x64_pd(_mm256_unpackhi_pd(a, b), _MM_SHUFFLE(3, 1, 2, 0));
}
CKV_INLINE ckv_avx2_f64 ckv_avx2_f64_shift_in(ckv_avx2_f64 v, ckv_avx2_f64 carry) {
    __m256d low = _mm256_permute2f128_pd(carry, v, 0x21);
    return _mm256_castsi256_pd(_mm256_alignr_epi8(_mm256_castpd_si256(v), _mm256_castpd_si256(low), 8));
}
CKV_INLINE void ckv_avx2_f64_store_interleaved_tail(double *p, ckv_avx2_f64 a, ckv_avx2_f64 b, long n) {
    __m256d lo = _mm256_unpacklo_pd(a, b), hi = _mm256_unpackhi_pd(a, b);
    long k = n > 4 ? 8 : 2 * n;
    ckv_avx2_f64_store_tail(p, _mm256_permute2f128_pd(lo, hi, 0x20), k);
    if (k > 4) ckv_avx2_f64_store_tail(p + 4, _mm256_permute2f128_pd(lo, hi, 0x31), k - 4);
}

// ---- Transposes (the transpose template) ----
/// Transposes the 8 × 8 matrix whose row i is v[i], in place.
CKV_INLINE void ckv_avx2_f32_transpose(ckv_avx2_f32 v[8]) {
    __m256 t[8], u[8];
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(v[i], v[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(v[i], v[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
        for (int k = 0; k < 2; k++) {
            u[i + 2 * k] = _mm256_shuffle_ps(t[i + k], t[i + 2 + k], 0x44);
            u[i + 2 * k + 1] = _mm256_shuffle_ps(t[i + k], t[i + 2 + k], 0xEE);
        }
    }
    for (int i = 0; i < 4; i++) {
        v[i] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x20);
        v[i + 4] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x31);
    }
}
/// Transposes the 4 × 4 matrix whose row i is v[i], in place.
CKV_INLINE void ckv_avx2_f64_transpose(ckv_avx2_f64 v[4]) {
    __m256d t0 = _mm256_unpacklo_pd(v[0], v[1]), t1 = _mm256_unpackhi_pd(v[0], v[1]);
    __m256d t2 = _mm256_unpacklo_pd(v[2], v[3]), t3 = _mm256_unpackhi_pd(v[2], v[3]);
    v[0] = _mm256_permute2f128_pd(t0, t2, 0x20);
    v[1] = _mm256_permute2f128_pd(t1, t3, 0x20);
    v[2] = _mm256_permute2f128_pd(t0, t2, 0x31);
    v[3] = _mm256_permute2f128_pd(t1, t3, 0x31);
}
/// v[j] = column j of the 8 × 8 block whose row i is src[i · ld …]: ckv_avx2_f32_transpose of
/// the loaded rows without its lane-crossing permutes. For each group of four columns c … c + 3,
/// four registers are gathered from memory, register r with 128-bit lane R holding those columns
/// of row 4R + r; a 4 × 4 transpose within their lanes then leaves column c + i in v[c + i].
CKV_INLINE void ckv_avx2_f32_transpose_load(ckv_avx2_f32 v[8], const float *src, long ld) {
    CK_UNROLL for (int c = 0; c < 8; c += 4) {
        __m256 p[4];
        CK_UNROLL for (int r = 0; r < 4; r++) {
            const float *s = src + r * ld + c;
            p[r] = _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(s)), _mm_loadu_ps(s + 4 * ld), 1);
        }
        __m256 t0 = _mm256_unpacklo_ps(p[0], p[1]), t1 = _mm256_unpackhi_ps(p[0], p[1]);
        __m256 t2 = _mm256_unpacklo_ps(p[2], p[3]), t3 = _mm256_unpackhi_ps(p[2], p[3]);
        v[c] = _mm256_shuffle_ps(t0, t2, 0x44);
        v[c + 1] = _mm256_shuffle_ps(t0, t2, 0xEE);
        v[c + 2] = _mm256_shuffle_ps(t1, t3, 0x44);
        v[c + 3] = _mm256_shuffle_ps(t1, t3, 0xEE);
    }
}
/// v[j] = column j of the 4 × 4 block whose row i is src[i · ld …]: for each pair of columns
/// c, c + 1, register r is gathered with 128-bit lane R holding them in row 2R + r, then the two
/// registers are interleaved.
CKV_INLINE void ckv_avx2_f64_transpose_load(ckv_avx2_f64 v[4], const double *src, long ld) {
    CK_UNROLL for (int c = 0; c < 4; c += 2) {
        __m256d p[2];
        CK_UNROLL for (int r = 0; r < 2; r++) {
            const double *s = src + r * ld + c;
            p[r] = _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_loadu_pd(s)), _mm_loadu_pd(s + 2 * ld), 1);
        }
        v[c] = _mm256_unpacklo_pd(p[0], p[1]);
        v[c + 1] = _mm256_unpackhi_pd(p[0], p[1]);
    }
}
#endif
