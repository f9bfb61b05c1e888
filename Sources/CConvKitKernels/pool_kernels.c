// Max-pooling kernels (see ck_pool.h): one output row at a time, every window's taps combined
// in registers, one vector of channels at a time. The comparison keeps the running maximum b
// unless v > b or v is NaN, and never replaces a NaN b: "not (v <= b)" and "b is ordered".
#include "CConvKitKernels.h"
#include <stdint.h>
#include <string.h>

// The taps of window j of an average (no ids needed).
#define CK_POOL_AVG_TAPS(NAME, T)                                                                  \
    static inline long NAME(const T *const *x_rows, long rows, const long *cols, long j, long c,   \
                            long dw, const T **ptrs) {                                             \
        long start = cols[4 * j], lo = cols[4 * j + 1], hi = cols[4 * j + 2], n = 0;               \
        for (long k = 0; k < rows; k++) {                                                          \
            for (long t = lo; t < hi; t++) ptrs[n++] = x_rows[k] + (start + t * dw) * c;           \
        }                                                                                          \
        return n;                                                                                  \
    }
CK_POOL_AVG_TAPS(ck_pool_avg_taps_f32, float)
CK_POOL_AVG_TAPS(ck_pool_avg_taps_f64, double)

static inline int ck_is_power_of_two(long v) { return v > 0 && (v & (v - 1)) == 0; }

#define CK_POOL_TAPS(NAME, T)                                                                      \
    static inline long NAME(const T *const *x_rows, const long *row_taps, long rows,               \
                            const long *cols, long j, long c, long s, long dw, const T **ptrs,     \
                            int *ids) {                                                            \
        long start = cols[4 * j], lo = cols[4 * j + 1], hi = cols[4 * j + 2], n = 0;               \
        for (long k = 0; k < rows; k++) {                                                          \
            for (long t = lo; t < hi; t++) {                                                       \
                ptrs[n] = x_rows[k] + (start + t * dw) * c;                                        \
                ids[n] = (int)(row_taps[k] * s + t);                                               \
                n++;                                                                               \
            }                                                                                      \
        }                                                                                          \
        return n;                                                                                  \
    }

CK_POOL_TAPS(ck_pool_taps_f32, float)
CK_POOL_TAPS(ck_pool_taps_f64, double)

// Input rows are read as several interleaved streams (one per window row); prefetching the
// window CK_POOL_AHEAD columns ahead keeps them from waiting on memory.
#define CK_POOL_AHEAD 8
static inline void ck_pool_prefetch(const void *const *x_rows, long rows, const long *cols, long j,
                                    long q, long c, long dw, long elem) {
    if (j + CK_POOL_AHEAD >= q) return;
    long k0 = j + CK_POOL_AHEAD;
    long start = cols[4 * k0], lo = cols[4 * k0 + 1], hi = cols[4 * k0 + 2];
    long first = (start + lo * dw) * c * elem, end = (start + (hi - 1) * dw + 1) * c * elem;
    for (long k = 0; k < rows; k++) {
        const char *row = (const char *)x_rows[k];
        for (long b = first; b < end; b += 64) __builtin_prefetch(row + b);
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

// The low `count` lanes of `a` as bytes. (The masked narrowing store VPMOVDB m8 is microcoded
// and very slow on AMD: narrow in registers, then store.)
// With `stream`, whole aligned vectors go around the caches (non-temporal stores): a large
// output is not read back soon, and ordinary stores would first read every line they write.
__attribute__((target("avx512f"))) static inline void store_u8_avx512(uint8_t *target, __m512i a, long count, int stream) {
    __m128i bytes = _mm512_cvtepi32_epi8(a);
    if (count == 16) {
        if (stream && ((uintptr_t)target & 15) == 0) _mm_stream_si128((__m128i *)target, bytes);
        else _mm_storeu_si128((__m128i *)target, bytes);
    } else if (count == 8) {
        if (stream && ((uintptr_t)target & 7) == 0) _mm_stream_si64((long long *)target, _mm_cvtsi128_si64(bytes));
        else _mm_storel_epi64((__m128i *)target, bytes);
    } else {
        uint8_t lanes[16];
        _mm_storeu_si128((__m128i *)lanes, bytes);
        for (long l = 0; l < count; l++) target[l] = lanes[l];
    }
}

// A whole vector of 16 floats (or 8 doubles seen as floats).
__attribute__((target("avx512f"))) static inline void store_ps_avx512(float *p, __m512 v, __mmask16 m, int stream) {
    if (stream && m == 0xFFFF) {
        if (((uintptr_t)p & 63) == 0) {
            _mm512_stream_ps(p, v);
            return;
        }
        if (((uintptr_t)p & 15) == 0) {
            _mm_stream_ps(p, _mm512_castps512_ps128(v));
            _mm_stream_ps(p + 4, _mm512_extractf32x4_ps(v, 1));
            _mm_stream_ps(p + 8, _mm512_extractf32x4_ps(v, 2));
            _mm_stream_ps(p + 12, _mm512_extractf32x4_ps(v, 3));
            return;
        }
    }
    _mm512_mask_storeu_ps(p, m, v);
}

// One step of the running maximum: take v where it is larger, or NaN, unless b is NaN.
#define CK_POOL_STEP_PS(b, a, load, t)                                                             \
    {                                                                                              \
        __m512 v = load;                                                                           \
        __mmask16 take = _mm512_cmp_ps_mask(v, b, _CMP_NLE_UQ) & _mm512_cmp_ps_mask(b, b, _CMP_ORD_Q); \
        b = _mm512_mask_blend_ps(take, b, v);                                                      \
        a = _mm512_mask_blend_epi32(take, a, t);                                                   \
    }
#define CK_POOL_STEP_PD(b, a, load, t)                                                             \
    {                                                                                              \
        __m512d v = load;                                                                          \
        __mmask8 take = _mm512_cmp_pd_mask(v, b, _CMP_NLE_UQ) & _mm512_cmp_pd_mask(b, b, _CMP_ORD_Q); \
        b = _mm512_mask_blend_pd(take, b, v);                                                      \
        a = _mm512_mask_blend_epi32((__mmask16)take, a, t);                                        \
    }

__attribute__((target("avx512f"))) static void
max_row_f32_avx512(const float *const *x_rows, const long *row_taps, long rows, const long *cols,
                   long q, long c, long s, long dw, float *out, void *arg, int arg_bytes,
                   const float **ptrs, int *ids, int stream) {
    for (long j = 0; j < q; j++) {
        long n = ck_pool_taps_f32(x_rows, row_taps, rows, cols, j, c, s, dw, ptrs, ids);
        ck_pool_prefetch((const void *const *)x_rows, rows, cols, j, q, c, dw, sizeof(float));
        long ch = 0;
        // Four vectors at once: four independent chains of compare and blend, whose latency
        // would otherwise bound the loop.
        for (; ch + 64 <= c; ch += 64) {
            const float *p0 = ptrs[0] + ch;
            __m512 b0 = _mm512_loadu_ps(p0), b1 = _mm512_loadu_ps(p0 + 16);
            __m512 b2 = _mm512_loadu_ps(p0 + 32), b3 = _mm512_loadu_ps(p0 + 48);
            __m512i a0 = _mm512_set1_epi32(ids[0]), a1 = a0, a2 = a0, a3 = a0;
            for (long k = 1; k < n; k++) {
                const float *p = ptrs[k] + ch;
                __m512i t = _mm512_set1_epi32(ids[k]);
                CK_POOL_STEP_PS(b0, a0, _mm512_loadu_ps(p), t)
                CK_POOL_STEP_PS(b1, a1, _mm512_loadu_ps(p + 16), t)
                CK_POOL_STEP_PS(b2, a2, _mm512_loadu_ps(p + 32), t)
                CK_POOL_STEP_PS(b3, a3, _mm512_loadu_ps(p + 48), t)
            }
            float *o = out + j * c + ch;
            store_ps_avx512(o, b0, 0xFFFF, stream);
            store_ps_avx512(o + 16, b1, 0xFFFF, stream);
            store_ps_avx512(o + 32, b2, 0xFFFF, stream);
            store_ps_avx512(o + 48, b3, 0xFFFF, stream);
            if (arg_bytes == 1) {
                uint8_t *ao = (uint8_t *)arg + j * c + ch;
                store_u8_avx512(ao, a0, 16, stream);
                store_u8_avx512(ao + 16, a1, 16, stream);
                store_u8_avx512(ao + 32, a2, 16, stream);
                store_u8_avx512(ao + 48, a3, 16, stream);
            } else if (arg_bytes == 4) {
                int32_t *ao = (int32_t *)arg + j * c + ch;
                _mm512_storeu_si512(ao, a0);
                _mm512_storeu_si512(ao + 16, a1);
                _mm512_storeu_si512(ao + 32, a2);
                _mm512_storeu_si512(ao + 48, a3);
            }
        }
        for (; ch < c; ch += 16) {
            __mmask16 m = c - ch >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (c - ch)) - 1);
            __m512 b = m == 0xFFFF ? _mm512_loadu_ps(ptrs[0] + ch) : _mm512_maskz_loadu_ps(m, ptrs[0] + ch);
            __m512i a = _mm512_set1_epi32(ids[0]);
            for (long k = 1; k < n; k++) {
                __m512 v = m == 0xFFFF ? _mm512_loadu_ps(ptrs[k] + ch) : _mm512_maskz_loadu_ps(m, ptrs[k] + ch);
                __mmask16 take = _mm512_cmp_ps_mask(v, b, _CMP_NLE_UQ) & _mm512_cmp_ps_mask(b, b, _CMP_ORD_Q);
                b = _mm512_mask_blend_ps(take, b, v);
                a = _mm512_mask_blend_epi32(take, a, _mm512_set1_epi32(ids[k]));
            }
            store_ps_avx512(out + j * c + ch, b, m, stream);
            if (arg_bytes == 1) store_u8_avx512((uint8_t *)arg + j * c + ch, a, c - ch < 16 ? c - ch : 16, stream);
            else if (arg_bytes == 4) _mm512_mask_storeu_epi32((int32_t *)arg + j * c + ch, m, a);
        }
    }
    if (stream) _mm_sfence();
}

__attribute__((target("avx512f"))) static void
max_row_f64_avx512(const double *const *x_rows, const long *row_taps, long rows, const long *cols,
                   long q, long c, long s, long dw, double *out, void *arg, int arg_bytes,
                   const double **ptrs, int *ids, int stream) {
    for (long j = 0; j < q; j++) {
        long n = ck_pool_taps_f64(x_rows, row_taps, rows, cols, j, c, s, dw, ptrs, ids);
        ck_pool_prefetch((const void *const *)x_rows, rows, cols, j, q, c, dw, sizeof(double));
        long ch = 0;
        for (; ch + 32 <= c; ch += 32) {
            const double *p0 = ptrs[0] + ch;
            __m512d b0 = _mm512_loadu_pd(p0), b1 = _mm512_loadu_pd(p0 + 8);
            __m512d b2 = _mm512_loadu_pd(p0 + 16), b3 = _mm512_loadu_pd(p0 + 24);
            __m512i a0 = _mm512_set1_epi32(ids[0]), a1 = a0, a2 = a0, a3 = a0;  // lanes 0..7 used
            for (long k = 1; k < n; k++) {
                const double *p = ptrs[k] + ch;
                __m512i t = _mm512_set1_epi32(ids[k]);
                CK_POOL_STEP_PD(b0, a0, _mm512_loadu_pd(p), t)
                CK_POOL_STEP_PD(b1, a1, _mm512_loadu_pd(p + 8), t)
                CK_POOL_STEP_PD(b2, a2, _mm512_loadu_pd(p + 16), t)
                CK_POOL_STEP_PD(b3, a3, _mm512_loadu_pd(p + 24), t)
            }
            double *o = out + j * c + ch;
            store_ps_avx512((float *)o, _mm512_castpd_ps(b0), 0xFFFF, stream);
            store_ps_avx512((float *)(o + 8), _mm512_castpd_ps(b1), 0xFFFF, stream);
            store_ps_avx512((float *)(o + 16), _mm512_castpd_ps(b2), 0xFFFF, stream);
            store_ps_avx512((float *)(o + 24), _mm512_castpd_ps(b3), 0xFFFF, stream);
            if (arg_bytes == 1) {
                uint8_t *ao = (uint8_t *)arg + j * c + ch;
                store_u8_avx512(ao, a0, 8, stream);
                store_u8_avx512(ao + 8, a1, 8, stream);
                store_u8_avx512(ao + 16, a2, 8, stream);
                store_u8_avx512(ao + 24, a3, 8, stream);
            } else if (arg_bytes == 4) {
                int32_t *ao = (int32_t *)arg + j * c + ch;
                _mm512_mask_storeu_epi32(ao, 0xFF, a0);
                _mm512_mask_storeu_epi32(ao + 8, 0xFF, a1);
                _mm512_mask_storeu_epi32(ao + 16, 0xFF, a2);
                _mm512_mask_storeu_epi32(ao + 24, 0xFF, a3);
            }
        }
        for (; ch < c; ch += 8) {
            __mmask8 m = c - ch >= 8 ? (__mmask8)0xFF : (__mmask8)((1u << (c - ch)) - 1);
            __m512d b = m == 0xFF ? _mm512_loadu_pd(ptrs[0] + ch) : _mm512_maskz_loadu_pd(m, ptrs[0] + ch);
            __m512i a = _mm512_set1_epi32(ids[0]);  // lanes 0..7 used
            for (long k = 1; k < n; k++) {
                __m512d v = m == 0xFF ? _mm512_loadu_pd(ptrs[k] + ch) : _mm512_maskz_loadu_pd(m, ptrs[k] + ch);
                __mmask8 take = _mm512_cmp_pd_mask(v, b, _CMP_NLE_UQ) & _mm512_cmp_pd_mask(b, b, _CMP_ORD_Q);
                b = _mm512_mask_blend_pd(take, b, v);
                a = _mm512_mask_blend_epi32((__mmask16)take, a, _mm512_set1_epi32(ids[k]));
            }
            if (m == 0xFF) store_ps_avx512((float *)(out + j * c + ch), _mm512_castpd_ps(b), 0xFFFF, stream);
            else _mm512_mask_storeu_pd(out + j * c + ch, m, b);
            if (arg_bytes == 1) store_u8_avx512((uint8_t *)arg + j * c + ch, a, c - ch < 8 ? c - ch : 8, stream);
            else if (arg_bytes == 4) _mm512_mask_storeu_epi32((int32_t *)arg + j * c + ch, (__mmask16)m, a);
        }
    }
    if (stream) _mm_sfence();
}

// AVX2: whole vectors in registers, the channels past the last whole vector one at a time.
#define CK_POOL_SCALAR_TAIL(T)                                                                     \
    for (; ch < c; ch++) {                                                                         \
        T b = ptrs[0][ch];                                                                         \
        int a = ids[0];                                                                            \
        for (long k = 1; k < n; k++) {                                                             \
            T v = ptrs[k][ch];                                                                     \
            if (!(v <= b) && b == b) {                                                             \
                b = v;                                                                             \
                a = ids[k];                                                                        \
            }                                                                                      \
        }                                                                                          \
        out[j * c + ch] = b;                                                                       \
        if (arg_bytes == 1) ((uint8_t *)arg)[j * c + ch] = (uint8_t)a;                             \
        else if (arg_bytes == 4) ((int32_t *)arg)[j * c + ch] = a;                                 \
    }

__attribute__((target("avx2"))) static void
max_row_f32_avx2(const float *const *x_rows, const long *row_taps, long rows, const long *cols,
                 long q, long c, long s, long dw, float *out, void *arg, int arg_bytes,
                 const float **ptrs, int *ids, int stream) {
    (void)stream;  // ordinary stores: the byte-narrowed argmax is not a whole vector
    for (long j = 0; j < q; j++) {
        long n = ck_pool_taps_f32(x_rows, row_taps, rows, cols, j, c, s, dw, ptrs, ids);
        ck_pool_prefetch((const void *const *)x_rows, rows, cols, j, q, c, dw, sizeof(float));
        long ch = 0;
        for (; ch + 8 <= c; ch += 8) {
            __m256 b = _mm256_loadu_ps(ptrs[0] + ch);
            __m256 a = _mm256_castsi256_ps(_mm256_set1_epi32(ids[0]));
            for (long k = 1; k < n; k++) {
                __m256 v = _mm256_loadu_ps(ptrs[k] + ch);
                __m256 take = _mm256_and_ps(_mm256_cmp_ps(v, b, _CMP_NLE_UQ), _mm256_cmp_ps(b, b, _CMP_ORD_Q));
                b = _mm256_blendv_ps(b, v, take);
                a = _mm256_blendv_ps(a, _mm256_castsi256_ps(_mm256_set1_epi32(ids[k])), take);
            }
            _mm256_storeu_ps(out + j * c + ch, b);
            __m256i ai = _mm256_castps_si256(a);
            if (arg_bytes == 1) {
                __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(ai), _mm256_extracti128_si256(ai, 1));
                _mm_storel_epi64((__m128i *)((uint8_t *)arg + j * c + ch), _mm_packus_epi16(w, w));
            } else if (arg_bytes == 4) {
                _mm256_storeu_si256((__m256i *)((int32_t *)arg + j * c + ch), ai);
            }
        }
        CK_POOL_SCALAR_TAIL(float)
    }
}

__attribute__((target("avx2"))) static void
max_row_f64_avx2(const double *const *x_rows, const long *row_taps, long rows, const long *cols,
                 long q, long c, long s, long dw, double *out, void *arg, int arg_bytes,
                 const double **ptrs, int *ids, int stream) {
    (void)stream;  // ordinary stores: the byte-narrowed argmax is not a whole vector
    for (long j = 0; j < q; j++) {
        long n = ck_pool_taps_f64(x_rows, row_taps, rows, cols, j, c, s, dw, ptrs, ids);
        ck_pool_prefetch((const void *const *)x_rows, rows, cols, j, q, c, dw, sizeof(double));
        long ch = 0;
        for (; ch + 4 <= c; ch += 4) {
            __m256d b = _mm256_loadu_pd(ptrs[0] + ch);
            __m256d a = _mm256_castsi256_pd(_mm256_set1_epi64x(ids[0]));
            for (long k = 1; k < n; k++) {
                __m256d v = _mm256_loadu_pd(ptrs[k] + ch);
                __m256d take = _mm256_and_pd(_mm256_cmp_pd(v, b, _CMP_NLE_UQ), _mm256_cmp_pd(b, b, _CMP_ORD_Q));
                b = _mm256_blendv_pd(b, v, take);
                a = _mm256_blendv_pd(a, _mm256_castsi256_pd(_mm256_set1_epi64x(ids[k])), take);
            }
            _mm256_storeu_pd(out + j * c + ch, b);
            int64_t lanes[4];
            _mm256_storeu_si256((__m256i *)lanes, _mm256_castpd_si256(a));
            for (int l = 0; l < 4; l++) {
                if (arg_bytes == 1) ((uint8_t *)arg)[j * c + ch + l] = (uint8_t)lanes[l];
                else if (arg_bytes == 4) ((int32_t *)arg)[j * c + ch + l] = (int32_t)lanes[l];
            }
        }
        CK_POOL_SCALAR_TAIL(double)
    }
}
// Averages: sums kept in registers over the window's taps, then one division (or exact
// multiplication) per vector. V: vector type, P: intrinsic prefix, S: suffix.
#define CK_POOL_AVG_KERNEL(NAME, TARGET, T, V, P, S, LANES, TAPS, STORE, FENCE)                  \
    __attribute__((target(TARGET))) static void NAME(                                             \
        const T *const *x_rows, long rows, const long *cols, long q, long c, long dw,             \
        long row_count, long divisor_override, T *out, const T **ptrs, int stream) {              \
        for (long j = 0; j < q; j++) {                                                            \
            long n = TAPS(x_rows, rows, cols, j, c, dw, ptrs);                                    \
            ck_pool_prefetch((const void *const *)x_rows, rows, cols, j, q, c, dw, sizeof(T));    \
            long divisor = divisor_override > 0 ? divisor_override : row_count * cols[4 * j + 3]; \
            T d = (T)divisor;                                                                     \
            int exact = ck_is_power_of_two(divisor);                                              \
            V vd = P##_set1_##S(exact ? (T)1 / d : d);                                            \
            long ch = 0;                                                                          \
            for (; ch + 4 * LANES <= c; ch += 4 * LANES) {                                        \
                V s0 = P##_setzero_##S(), s1 = s0, s2 = s0, s3 = s0;                              \
                for (long k = 0; k < n; k++) {                                                    \
                    const T *p = ptrs[k] + ch;                                                    \
                    s0 = P##_add_##S(s0, P##_loadu_##S(p));                                       \
                    s1 = P##_add_##S(s1, P##_loadu_##S(p + LANES));                               \
                    s2 = P##_add_##S(s2, P##_loadu_##S(p + 2 * LANES));                           \
                    s3 = P##_add_##S(s3, P##_loadu_##S(p + 3 * LANES));                           \
                }                                                                                 \
                T *o = out + j * c + ch;                                                          \
                STORE(o, exact ? P##_mul_##S(s0, vd) : P##_div_##S(s0, vd), stream);              \
                STORE(o + LANES, exact ? P##_mul_##S(s1, vd) : P##_div_##S(s1, vd), stream);      \
                STORE(o + 2 * LANES, exact ? P##_mul_##S(s2, vd) : P##_div_##S(s2, vd), stream);  \
                STORE(o + 3 * LANES, exact ? P##_mul_##S(s3, vd) : P##_div_##S(s3, vd), stream);  \
            }                                                                                     \
            for (; ch + LANES <= c; ch += LANES) {                                                \
                V sum = P##_setzero_##S();                                                        \
                for (long k = 0; k < n; k++) sum = P##_add_##S(sum, P##_loadu_##S(ptrs[k] + ch)); \
                STORE(out + j * c + ch, exact ? P##_mul_##S(sum, vd) : P##_div_##S(sum, vd), stream); \
            }                                                                                     \
            for (; ch < c; ch++) {                                                                \
                T sum = 0;                                                                        \
                for (long k = 0; k < n; k++) sum += ptrs[k][ch];                                  \
                out[j * c + ch] = sum / d;                                                        \
            }                                                                                     \
        }                                                                                         \
        FENCE                                                                                     \
    }

__attribute__((target("avx512f"))) static inline void store_f32_avx512(float *p, __m512 v, int stream) {
    store_ps_avx512(p, v, 0xFFFF, stream);
}
__attribute__((target("avx512f"))) static inline void store_f64_avx512(double *p, __m512d v, int stream) {
    store_ps_avx512((float *)p, _mm512_castpd_ps(v), 0xFFFF, stream);
}
__attribute__((target("avx2"))) static inline void store_f32_avx2(float *p, __m256 v, int stream) {
    (void)stream;
    _mm256_storeu_ps(p, v);
}
__attribute__((target("avx2"))) static inline void store_f64_avx2(double *p, __m256d v, int stream) {
    (void)stream;
    _mm256_storeu_pd(p, v);
}
#define CK_POOL_SFENCE if (stream) _mm_sfence();

CK_POOL_AVG_KERNEL(avg_row_f32_avx512, "avx512f", float, __m512, _mm512, ps, 16, ck_pool_avg_taps_f32, store_f32_avx512, CK_POOL_SFENCE)
CK_POOL_AVG_KERNEL(avg_row_f64_avx512, "avx512f", double, __m512d, _mm512, pd, 8, ck_pool_avg_taps_f64, store_f64_avx512, CK_POOL_SFENCE)
CK_POOL_AVG_KERNEL(avg_row_f32_avx2, "avx2", float, __m256, _mm256, ps, 8, ck_pool_avg_taps_f32, store_f32_avx2, )
CK_POOL_AVG_KERNEL(avg_row_f64_avx2, "avx2", double, __m256d, _mm256, pd, 4, ck_pool_avg_taps_f64, store_f64_avx2, )
#endif

int ck_pool_max_row_f32(int isa, const float *const *x_rows, const long *row_taps, long rows,
                        const long *cols, long q, long c, long s, long dw, float *out, void *arg,
                        int arg_bytes, const float **tap_pointers, int *tap_ids, int stream) {
#if defined(__x86_64__)
    if (isa == CK_ISA_AVX512) {
        max_row_f32_avx512(x_rows, row_taps, rows, cols, q, c, s, dw, out, arg, arg_bytes, tap_pointers, tap_ids, stream);
        return 1;
    }
    if (isa == CK_ISA_AVX2) {
        max_row_f32_avx2(x_rows, row_taps, rows, cols, q, c, s, dw, out, arg, arg_bytes, tap_pointers, tap_ids, stream);
        return 1;
    }
#endif
    (void)x_rows, (void)row_taps, (void)rows, (void)cols, (void)q, (void)c, (void)s, (void)dw;
    (void)out, (void)arg, (void)arg_bytes, (void)tap_pointers, (void)tap_ids, (void)isa, (void)stream;
    return 0;
}

int ck_pool_max_row_f64(int isa, const double *const *x_rows, const long *row_taps, long rows,
                        const long *cols, long q, long c, long s, long dw, double *out, void *arg,
                        int arg_bytes, const double **tap_pointers, int *tap_ids, int stream) {
#if defined(__x86_64__)
    if (isa == CK_ISA_AVX512) {
        max_row_f64_avx512(x_rows, row_taps, rows, cols, q, c, s, dw, out, arg, arg_bytes, tap_pointers, tap_ids, stream);
        return 1;
    }
    if (isa == CK_ISA_AVX2) {
        max_row_f64_avx2(x_rows, row_taps, rows, cols, q, c, s, dw, out, arg, arg_bytes, tap_pointers, tap_ids, stream);
        return 1;
    }
#endif
    (void)x_rows, (void)row_taps, (void)rows, (void)cols, (void)q, (void)c, (void)s, (void)dw;
    (void)out, (void)arg, (void)arg_bytes, (void)tap_pointers, (void)tap_ids, (void)isa, (void)stream;
    return 0;
}

#define CK_POOL_AVG_DISPATCH(NAME, T, AVX512, AVX2)                                                \
    int NAME(int isa, const T *const *x_rows, long rows, const long *cols, long q, long c,        \
             long dw, long row_count, long divisor_override, T *out, const T **tap_pointers,       \
             int stream) {                                                                         \
        CK_POOL_AVG_X86(AVX512, AVX2)                                                              \
        (void)x_rows, (void)rows, (void)cols, (void)q, (void)c, (void)dw, (void)row_count;         \
        (void)divisor_override, (void)out, (void)tap_pointers, (void)isa, (void)stream;            \
        return 0;                                                                                  \
    }
#if defined(__x86_64__)
#define CK_POOL_AVG_X86(AVX512, AVX2)                                                              \
    if (isa == CK_ISA_AVX512 || isa == CK_ISA_AVX2) {                                             \
        (isa == CK_ISA_AVX512 ? AVX512 : AVX2)(x_rows, rows, cols, q, c, dw, row_count,            \
                                               divisor_override, out, tap_pointers, stream);       \
        return 1;                                                                                  \
    }
CK_POOL_AVG_DISPATCH(ck_pool_avg_row_f32, float, avg_row_f32_avx512, avg_row_f32_avx2)
CK_POOL_AVG_DISPATCH(ck_pool_avg_row_f64, double, avg_row_f64_avx512, avg_row_f64_avx2)
#else
#define CK_POOL_AVG_X86(AVX512, AVX2)
CK_POOL_AVG_DISPATCH(ck_pool_avg_row_f32, float, _, _)
CK_POOL_AVG_DISPATCH(ck_pool_avg_row_f64, double, _, _)
#endif

#if defined(__x86_64__)
__attribute__((target("avx512f"))) static void stream_copy_avx512(char *dst, const char *src, long bytes) {
    long head = (long)((64 - ((uintptr_t)dst & 63)) & 63);
    if (head > bytes) head = bytes;
    memcpy(dst, src, (size_t)head);
    long i = head;
    for (; i + 64 <= bytes; i += 64) _mm512_stream_si512((void *)(dst + i), _mm512_loadu_si512((const void *)(src + i)));
    memcpy(dst + i, src + i, (size_t)(bytes - i));
    _mm_sfence();
}

__attribute__((target("avx2"))) static void stream_copy_avx2(char *dst, const char *src, long bytes) {
    long head = (long)((32 - ((uintptr_t)dst & 31)) & 31);
    if (head > bytes) head = bytes;
    memcpy(dst, src, (size_t)head);
    long i = head;
    for (; i + 32 <= bytes; i += 32) _mm256_stream_si256((__m256i *)(dst + i), _mm256_loadu_si256((const __m256i *)(src + i)));
    memcpy(dst + i, src + i, (size_t)(bytes - i));
    _mm_sfence();
}
#endif

void ck_pool_stream_copy(int isa, void *dst, const void *src, long bytes) {
#if defined(__x86_64__)
    if (isa == CK_ISA_AVX512) {
        stream_copy_avx512((char *)dst, (const char *)src, bytes);
        return;
    }
    if (isa == CK_ISA_AVX2) {
        stream_copy_avx2((char *)dst, (const char *)src, bytes);
        return;
    }
#endif
    (void)isa;
    memcpy(dst, src, (size_t)bytes);
}

// Max-pooling gradients: for each window tap, a masked add of dy where the argmax is that tap.
#define CK_POOL_MAX_BACKWARD(NAME, T, V, SUF, LANES, MASK, FULL)                                     \
    __attribute__((target("avx512f"))) static void NAME(                                           \
        T *const *dx_rows, const long *row_taps, long rows, const long *cols, long q, long c,      \
        long s, long dw, const T *dy, const void *arg, int arg_bytes, int assign) {                \
        const V zero = _mm512_setzero_##SUF();                                                     \
        for (long j = 0; j < q; j++) {                                                             \
            long start = cols[4 * j], lo = cols[4 * j + 1], hi = cols[4 * j + 2];                   \
            for (long ch = 0; ch < c; ch += LANES) {                                               \
                long left = c - ch < LANES ? c - ch : LANES;                                       \
                MASK m = left == LANES ? (MASK)FULL : (MASK)((1u << left) - 1);                    \
                V g = m == (MASK)FULL ? _mm512_loadu_##SUF(dy + j * c + ch)                         \
                                      : _mm512_maskz_loadu_##SUF(m, dy + j * c + ch);               \
                __m512i a;                                                                         \
                if (arg_bytes == 1) {                                                              \
                    uint8_t lanes[16] = {0};                                                       \
                    const uint8_t *src = (const uint8_t *)arg + j * c + ch;                        \
                    if (left == 16) a = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)src)); \
                    else {                                                                         \
                        for (long l = 0; l < left; l++) lanes[l] = src[l];                         \
                        a = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)lanes));         \
                    }                                                                              \
                } else {                                                                           \
                    a = _mm512_maskz_loadu_epi32((__mmask16)m, (const int32_t *)arg + j * c + ch);  \
                }                                                                                  \
                for (long k = 0; k < rows; k++) {                                                  \
                    for (long t = lo; t < hi; t++) {                                               \
                        T *target = dx_rows[k] + (start + t * dw) * c + ch;                        \
                        MASK win = (MASK)_mm512_cmpeq_epi32_mask(a, _mm512_set1_epi32((int)(row_taps[k] * s + t))) & m; \
                        if (assign) {                                                              \
                            V v = _mm512_maskz_add_##SUF(win, zero, g);                            \
                            if (m == (MASK)FULL) _mm512_storeu_##SUF(target, v);                   \
                            else _mm512_mask_storeu_##SUF(target, m, v);                           \
                        } else {                                                                   \
                            V d = m == (MASK)FULL ? _mm512_loadu_##SUF(target)                      \
                                                  : _mm512_maskz_loadu_##SUF(m, target);            \
                            d = _mm512_mask_add_##SUF(d, win, d, g);                               \
                            if (m == (MASK)FULL) _mm512_storeu_##SUF(target, d);                   \
                            else _mm512_mask_storeu_##SUF(target, m, d);                           \
                        }                                                                          \
                    }                                                                              \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
    }

#if defined(__x86_64__)
CK_POOL_MAX_BACKWARD(max_backward_f32_avx512, float, __m512, ps, 16, __mmask16, 0xFFFF)
CK_POOL_MAX_BACKWARD(max_backward_f64_avx512, double, __m512d, pd, 8, __mmask8, 0xFF)
#endif

int ck_pool_max_backward_row_f32(int isa, float *const *dx_rows, const long *row_taps, long rows,
                                 const long *cols, long q, long c, long s, long dw, const float *dy,
                                 const void *arg, int arg_bytes, int assign) {
#if defined(__x86_64__)
    if (isa == CK_ISA_AVX512) {
        max_backward_f32_avx512(dx_rows, row_taps, rows, cols, q, c, s, dw, dy, arg, arg_bytes, assign);
        return 1;
    }
#endif
    (void)dx_rows, (void)row_taps, (void)rows, (void)cols, (void)q, (void)c, (void)s, (void)dw;
    (void)dy, (void)arg, (void)arg_bytes, (void)assign, (void)isa;
    return 0;
}

int ck_pool_max_backward_row_f64(int isa, double *const *dx_rows, const long *row_taps, long rows,
                                 const long *cols, long q, long c, long s, long dw, const double *dy,
                                 const void *arg, int arg_bytes, int assign) {
#if defined(__x86_64__)
    if (isa == CK_ISA_AVX512) {
        max_backward_f64_avx512(dx_rows, row_taps, rows, cols, q, c, s, dw, dy, arg, arg_bytes, assign);
        return 1;
    }
#endif
    (void)dx_rows, (void)row_taps, (void)rows, (void)cols, (void)q, (void)c, (void)s, (void)dw;
    (void)dy, (void)arg, (void)arg_bytes, (void)assign, (void)isa;
    return 0;
}
