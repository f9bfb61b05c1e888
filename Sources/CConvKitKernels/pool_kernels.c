// Max-pooling kernels (see ck_pool.h): one output row at a time, every window's taps combined
// in registers, one vector of channels at a time. The comparison keeps the running maximum b
// unless v > b or v is NaN, and never replaces a NaN b: "not (v <= b)" and "b is ordered".
#include "CConvKitKernels.h"
#include <stdint.h>
#include <string.h>

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
// window CK_POOL_AHEAD columns ahead keeps them from waiting on memory. Only for inputs that
// come from memory (`stream`): from L3 the prefetches cost more than they save (measured on a
// 6 MB average pooling: 84 µs without, 101 µs with).
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
        if (stream) ck_pool_prefetch((const void *const *)x_rows, rows, cols, j, q, c, dw, sizeof(float));
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
        if (stream) ck_pool_prefetch((const void *const *)x_rows, rows, cols, j, q, c, dw, sizeof(double));
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
        if (stream) ck_pool_prefetch((const void *const *)x_rows, rows, cols, j, q, c, dw, sizeof(float));
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
        if (stream) ck_pool_prefetch((const void *const *)x_rows, rows, cols, j, q, c, dw, sizeof(double));
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
// multiplication) per vector. A row's windows come in runs that share their taps and divisor
// (all but the padded ones at the ends), and the taps are read at constant steps from each
// window row: no table of tap pointers (it cost a quarter of the time on in-cache inputs).
// Full 2 × 2 and 3 × 3 windows, the power-of-two choice and `stream` get copies of the loop in
// which they are constants: loop control and tests around every four loads, and per-window
// set-up, cost 10–20 % on a 6 MB average pooling. V: vector type, P: intrinsic prefix, S: suffix.
#define CK_POOL_AVG_KERNEL(NAME, TARGET, T, V, P, S, LANES, STORE, FENCE, SHIFTED)               \
    /* `width` output vectors from element e of a full R × R window (R and width constants) */   \
    /* whose taps start at tap[0 ..< R · R]: each vector's taps summed in scan order from the */  \
    /* first. */                                                                                  \
    __attribute__((target(TARGET), always_inline)) static inline void NAME##_square(              \
        const T *const *tap, const long R, const long width, long e, V vd, int exact, T *o,       \
        int stream) {                                                                             \
        for (long u = 0; u < width; u++, e += LANES) {                                            \
            V sum = P##_loadu_##S(tap[0] + e);                                                    \
            for (long i = 1; i < R * R; i++) sum = P##_add_##S(sum, P##_loadu_##S(tap[i] + e));   \
            STORE(o + e, exact ? P##_mul_##S(sum, vd) : P##_div_##S(sum, vd), stream);            \
        }                                                                                         \
    }                                                                                             \
    /* Windows j0 ..< j1 of the row: `rows` × `taps` taps from element first + (j − j0) · advance */ \
    /* of each window row, divided by d (times 1 / d when `exact`). R > 0 (a constant) and c a */   \
    /* multiple of four vectors: the windows are R × R and go vector by vector, eight vectors at */ \
    /* a time (four took 10 % longer). Otherwise tap by tap into four vectors. Either way each */  \
    /* element is the sum of its taps in scan order. */                                           \
    __attribute__((target(TARGET), always_inline)) static inline void NAME##_run(                 \
        const T *const *x_rows, long rows, const long R, long taps, long first, long advance,     \
        long j0, long j1, const long *cols, long q, long c, long dw, T d, int exact, T *out,      \
        const T *lower, const T *upper, int stream) {                                             \
        (void)lower, (void)upper;                                                                 \
        V vd = P##_set1_##S(exact ? (T)1 / d : d);                                                \
        long step = dw * c;                                                                       \
        if (R > 0 && c % (4 * LANES) == 0) {                                                      \
            for (long j = j0; j < j1; j++, first += advance) {                                    \
                if (stream) ck_pool_prefetch((const void *const *)x_rows, rows, cols, j, q, c, dw, sizeof(T)); \
                const T *tap[9];                                                                  \
                for (long k = 0; k < R; k++) {                                                    \
                    for (long t = 0; t < R; t++) tap[k * R + t] = x_rows[k] + first + t * step;   \
                }                                                                                 \
                T *o = out + j * c;                                                               \
                long ch = 0;                                                                      \
                SHIFTED                                                                           \
                for (; ch + 8 * LANES <= c; ch += 8 * LANES) NAME##_square(tap, R, 8, ch, vd, exact, o, stream); \
                if (ch < c) NAME##_square(tap, R, 4, ch, vd, exact, o, stream);                   \
            }                                                                                     \
            return;                                                                               \
        }                                                                                         \
        for (long j = j0; j < j1; j++, first += advance) {                                        \
            if (stream) ck_pool_prefetch((const void *const *)x_rows, rows, cols, j, q, c, dw, sizeof(T)); \
            T *o = out + j * c;                                                                   \
            long ch = 0;                                                                          \
            for (; ch + 4 * LANES <= c; ch += 4 * LANES) {                                        \
                V s0 = P##_setzero_##S(), s1 = s0, s2 = s0, s3 = s0;                              \
                for (long k = 0; k < rows; k++) {                                                 \
                    const T *p = x_rows[k] + first + ch;                                          \
                    for (long t = 0; t < taps; t++, p += step) {                                  \
                        s0 = P##_add_##S(s0, P##_loadu_##S(p));                                   \
                        s1 = P##_add_##S(s1, P##_loadu_##S(p + LANES));                           \
                        s2 = P##_add_##S(s2, P##_loadu_##S(p + 2 * LANES));                       \
                        s3 = P##_add_##S(s3, P##_loadu_##S(p + 3 * LANES));                       \
                    }                                                                             \
                }                                                                                 \
                STORE(o + ch, exact ? P##_mul_##S(s0, vd) : P##_div_##S(s0, vd), stream);         \
                STORE(o + ch + LANES, exact ? P##_mul_##S(s1, vd) : P##_div_##S(s1, vd), stream); \
                STORE(o + ch + 2 * LANES, exact ? P##_mul_##S(s2, vd) : P##_div_##S(s2, vd), stream); \
                STORE(o + ch + 3 * LANES, exact ? P##_mul_##S(s3, vd) : P##_div_##S(s3, vd), stream); \
            }                                                                                     \
            for (; ch + LANES <= c; ch += LANES) {                                                \
                V sum = P##_setzero_##S();                                                        \
                for (long k = 0; k < rows; k++) {                                                 \
                    for (long t = 0; t < taps; t++) sum = P##_add_##S(sum, P##_loadu_##S(x_rows[k] + first + t * step + ch)); \
                }                                                                                 \
                STORE(o + ch, exact ? P##_mul_##S(sum, vd) : P##_div_##S(sum, vd), stream);       \
            }                                                                                     \
            for (; ch < c; ch++) {                                                                \
                T sum = 0;                                                                        \
                for (long k = 0; k < rows; k++) {                                                 \
                    for (long t = 0; t < taps; t++) sum += x_rows[k][first + t * step + ch];      \
                }                                                                                 \
                o[ch] = sum / d;                                                                  \
            }                                                                                     \
        }                                                                                         \
    }                                                                                             \
    /* A run with `stream` as a constant. */                                                      \
    __attribute__((target(TARGET), always_inline)) static inline void NAME##_streamed(            \
        const T *const *x_rows, long rows, const long R, long taps, long first, long advance,     \
        long j0, long j1, const long *cols, long q, long c, long dw, T d, int exact, T *out,      \
        const T *lower, const T *upper, int stream) {                                             \
        if (stream) NAME##_run(x_rows, rows, R, taps, first, advance, j0, j1, cols, q, c, dw, d, exact, out, lower, upper, 1); \
        else NAME##_run(x_rows, rows, R, taps, first, advance, j0, j1, cols, q, c, dw, d, exact, out, lower, upper, 0); \
    }                                                                                             \
    __attribute__((target(TARGET))) static void NAME(                                             \
        const T *const *x_rows, long rows, const long *cols, long q, long c, long dw,             \
        long row_count, long divisor_override, T *out, const T *lower, const T *upper,            \
        int stream) {                                                                             \
        for (long j0 = 0, j1; j0 < q; j0 = j1) {                                                  \
            const long *w = cols + 4 * j0;                                                        \
            long advance = j0 + 1 < q ? (w[4] - w[0]) * c : 0;                                    \
            for (j1 = j0 + 1; j1 < q; j1++) {                                                     \
                const long *v = cols + 4 * j1;                                                    \
                if (v[1] != w[1] || v[2] != w[2] || v[3] != w[3] || (v[0] - v[-4]) * c != advance) break; \
            }                                                                                     \
            long first = (w[0] + w[1] * dw) * c, taps = w[2] - w[1];                              \
            long divisor = divisor_override > 0 ? divisor_override : row_count * w[3];            \
            int exact = ck_is_power_of_two(divisor);                                              \
            T d = (T)divisor;                                                                     \
            if (rows == 2 && taps == 2 && exact)                                                  \
                NAME##_streamed(x_rows, 2, 2, 2, first, advance, j0, j1, cols, q, c, dw, d, 1, out, lower, upper, stream); \
            else if (rows == 3 && taps == 3)                                                      \
                NAME##_streamed(x_rows, 3, 3, 3, first, advance, j0, j1, cols, q, c, dw, d, 0, out, lower, upper, stream); \
            else                                                                                  \
                NAME##_streamed(x_rows, rows, 0, taps, first, advance, j0, j1, cols, q, c, dw, d, exact, out, lower, upper, stream); \
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


// Full windows over an input that is not 64-byte aligned (Swift arrays start 16 bytes into a
// cache line, so every unaligned vector load straddles two lines). With c a multiple of the
// vector width every tap shares the misalignment m (in elements): sum whole aligned vectors
// from m elements before each block of eight, then shift each neighbouring pair of sums into
// place (vpermt2), once per window. The lanes outside the block belong to neighbouring pixels
// and are dropped; CK_POOL_SHIFTED admits only windows whose lines lie inside the tensor.
// Measured on a 6 MB input misaligned by 16 bytes: 80 → 71 µs (72 µs when aligned).
#define CK_POOL_AVG_SHIFTED(NAME, T, V, S, LANES, STORE)                                           \
    __attribute__((target("avx512f"), always_inline)) static inline void NAME(                     \
        const T *const *tap, const long R, long e, long m, __m512i idx, V vd, int exact, T *o,    \
        int stream) {                                                                              \
        V s[9];                                                                                    \
        for (long u = 0; u <= 8; u++) s[u] = _mm512_load_##S(tap[0] + e - m + u * LANES);          \
        for (long i = 1; i < R * R; i++) {                                                         \
            for (long u = 0; u <= 8; u++) s[u] = _mm512_add_##S(s[u], _mm512_load_##S(tap[i] + e - m + u * LANES)); \
        }                                                                                          \
        for (long u = 0; u < 8; u++) {                                                             \
            V r = _mm512_permutex2var_##S(s[u], idx, s[u + 1]);                                    \
            STORE(o + e + u * LANES, exact ? _mm512_mul_##S(r, vd) : _mm512_div_##S(r, vd), stream); \
        }                                                                                          \
    }
CK_POOL_AVG_SHIFTED(avg_shifted_f32_avx512, float, __m512, ps, 16, store_f32_avx512)
CK_POOL_AVG_SHIFTED(avg_shifted_f64_avx512, double, __m512d, pd, 8, store_f64_avx512)
// Inside a window of NAME##_run: blocks of eight vectors through F when the input is
// misaligned and the lines read lie in [lower, upper). IDX: the permutation's lane indices.
#define CK_POOL_SHIFTED(F, T, LANES, IDX)                                                          \
    {                                                                                              \
        uintptr_t offset = (uintptr_t)tap[0] % 64;                                                 \
        long m = (long)(offset / sizeof(T));                                                       \
        if (offset != 0 && offset % sizeof(T) == 0 && c % (8 * LANES) == 0                        \
            && (uintptr_t)tap[0] - offset >= (uintptr_t)lower                                      \
            && (uintptr_t)(tap[R * R - 1] + c) + (64 - offset) <= (uintptr_t)upper) {              \
            __m512i idx = IDX;                                                                     \
            for (; ch < c; ch += 8 * LANES) F(tap, R, ch, m, idx, vd, exact, o, stream);           \
        }                                                                                          \
    }
CK_POOL_AVG_KERNEL(avg_row_f32_avx512, "avx512f", float, __m512, _mm512, ps, 16, store_f32_avx512, CK_POOL_SFENCE,
                   CK_POOL_SHIFTED(avg_shifted_f32_avx512, float, 16,
                                   _mm512_add_epi32(_mm512_set1_epi32((int)m),
                                                    _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15))))
CK_POOL_AVG_KERNEL(avg_row_f64_avx512, "avx512f", double, __m512d, _mm512, pd, 8, store_f64_avx512, CK_POOL_SFENCE,
                   CK_POOL_SHIFTED(avg_shifted_f64_avx512, double, 8,
                                   _mm512_add_epi64(_mm512_set1_epi64(m), _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7))))
CK_POOL_AVG_KERNEL(avg_row_f32_avx2, "avx2", float, __m256, _mm256, ps, 8, store_f32_avx2, , )
CK_POOL_AVG_KERNEL(avg_row_f64_avx2, "avx2", double, __m256d, _mm256, pd, 4, store_f64_avx2, , )
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
             long dw, long row_count, long divisor_override, T *out, const T *lower,               \
             const T *upper, int stream) {                                                         \
        CK_POOL_AVG_X86(AVX512, AVX2)                                                              \
        (void)x_rows, (void)rows, (void)cols, (void)q, (void)c, (void)dw, (void)row_count;         \
        (void)divisor_override, (void)out, (void)lower, (void)upper, (void)isa, (void)stream;      \
        return 0;                                                                                  \
    }
#if defined(__x86_64__)
#define CK_POOL_AVG_X86(AVX512, AVX2)                                                              \
    if (isa == CK_ISA_AVX512 || isa == CK_ISA_AVX2) {                                             \
        (isa == CK_ISA_AVX512 ? AVX512 : AVX2)(x_rows, rows, cols, q, c, dw, row_count,            \
                                               divisor_override, out, lower, upper, stream);       \
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

#if defined(__x86_64__)
// The argmax taps of `left` (at most 16) channels from element `offset` of `arg` (uint8_t or
// int32_t), as 32-bit lanes; lanes past `left` are 0.
__attribute__((target("avx512f"))) static inline __m512i ck_pool_load_taps(const void *arg, int arg_bytes, long offset,
                                                                          long left) {
    if (arg_bytes == 1) {
        const uint8_t *src = (const uint8_t *)arg + offset;
        if (left == 16) return _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)src));
        if (left == 8) return _mm512_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)src));
        uint8_t lanes[16] = {0};
        for (long l = 0; l < left; l++) lanes[l] = src[l];
        return _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)lanes));
    }
    const int32_t *src = (const int32_t *)arg + offset;
    if (left == 16) return _mm512_loadu_si512(src);
    if (left == 8) return _mm512_zextsi256_si512(_mm256_loadu_si256((const __m256i *)src));
    return _mm512_maskz_loadu_epi32((__mmask16)((1u << left) - 1), src);
}
#endif

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
                __m512i a = ck_pool_load_taps(arg, arg_bytes, j * c + ch, left);                   \
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

// Max-pooling gradients gathered (see ck_pool_max_gather_row_f32): every dx vector is the sum,
// over the windows holding it, of dy where the window's argmax is its tap, and is stored once.
// Four vectors of channels go through each window together, so that the window's set-up and
// loop control are shared (one vector at a time took 4.3 ms on a 51 MB gradient).
// ARG_BYTES is a constant in each copy of the body. STORE_FULL stores a whole vector (around
// the caches with `stream`).
#define CK_POOL_MAX_GATHER(NAME, T, V, SUF, LANES, MASK, FULL, STORE_FULL)                         \
    __attribute__((target("avx512f"), always_inline)) static inline void NAME##_body(              \
        const T *const *dy_rows, const void *const *arg_rows, const long *row_taps, long rows,     \
        const long *column_start, const long *column_pairs, long w, long c, long s,               \
        const int ARG_BYTES, T *dx, int stream) {                                                  \
        for (long iw = 0; iw < w; iw++) {                                                          \
            const long *pair = column_pairs + 2 * column_start[iw];                                \
            long pairs = column_start[iw + 1] - column_start[iw];                                  \
            T *o = dx + iw * c;                                                                    \
            long ch = 0;                                                                           \
            /* in the forward pass window (p, q) took tap row_taps[k] · s + t of this element */   \
            /* where its argmax says so, so now that element adds dy[p, q], in (p, q) order */     \
            for (; ch + 4 * LANES <= c; ch += 4 * LANES) {                                         \
                V s0 = _mm512_setzero_##SUF(), s1 = s0, s2 = s0, s3 = s0;                          \
                for (long k = 0; k < rows; k++) {                                                  \
                    for (long i = 0; i < pairs; i++) {                                             \
                        long offset = pair[2 * i] * c + ch;                                        \
                        const T *g = dy_rows[k] + offset;                                          \
                        __m512i tap = _mm512_set1_epi32((int)(row_taps[k] * s + pair[2 * i + 1])); \
                        MASK w0 = (MASK)_mm512_cmpeq_epi32_mask(ck_pool_load_taps(arg_rows[k], ARG_BYTES, offset, LANES), tap); \
                        MASK w1 = (MASK)_mm512_cmpeq_epi32_mask(ck_pool_load_taps(arg_rows[k], ARG_BYTES, offset + LANES, LANES), tap); \
                        MASK w2 = (MASK)_mm512_cmpeq_epi32_mask(ck_pool_load_taps(arg_rows[k], ARG_BYTES, offset + 2 * LANES, LANES), tap); \
                        MASK w3 = (MASK)_mm512_cmpeq_epi32_mask(ck_pool_load_taps(arg_rows[k], ARG_BYTES, offset + 3 * LANES, LANES), tap); \
                        s0 = _mm512_mask_add_##SUF(s0, w0, s0, _mm512_loadu_##SUF(g));             \
                        s1 = _mm512_mask_add_##SUF(s1, w1, s1, _mm512_loadu_##SUF(g + LANES));     \
                        s2 = _mm512_mask_add_##SUF(s2, w2, s2, _mm512_loadu_##SUF(g + 2 * LANES)); \
                        s3 = _mm512_mask_add_##SUF(s3, w3, s3, _mm512_loadu_##SUF(g + 3 * LANES)); \
                    }                                                                              \
                }                                                                                  \
                STORE_FULL(o + ch, s0, stream);                                                    \
                STORE_FULL(o + ch + LANES, s1, stream);                                            \
                STORE_FULL(o + ch + 2 * LANES, s2, stream);                                        \
                STORE_FULL(o + ch + 3 * LANES, s3, stream);                                        \
            }                                                                                      \
            for (; ch < c; ch += LANES) {                                                          \
                long left = c - ch < LANES ? c - ch : LANES;                                       \
                MASK m = left == LANES ? (MASK)FULL : (MASK)((1u << left) - 1);                    \
                V sum = _mm512_setzero_##SUF();                                                    \
                for (long k = 0; k < rows; k++) {                                                  \
                    for (long i = 0; i < pairs; i++) {                                             \
                        long offset = pair[2 * i] * c + ch;                                        \
                        __m512i a = ck_pool_load_taps(arg_rows[k], ARG_BYTES, offset, left);       \
                        __m512i tap = _mm512_set1_epi32((int)(row_taps[k] * s + pair[2 * i + 1])); \
                        MASK win = (MASK)_mm512_cmpeq_epi32_mask(a, tap) & m;                      \
                        V g = m == (MASK)FULL ? _mm512_loadu_##SUF(dy_rows[k] + offset)             \
                                              : _mm512_maskz_loadu_##SUF(m, dy_rows[k] + offset);   \
                        sum = _mm512_mask_add_##SUF(sum, win, sum, g);                             \
                    }                                                                              \
                }                                                                                  \
                if (m == (MASK)FULL) STORE_FULL(o + ch, sum, stream);                              \
                else _mm512_mask_storeu_##SUF(o + ch, m, sum);                                     \
            }                                                                                      \
        }                                                                                          \
    }                                                                                              \
    __attribute__((target("avx512f"))) static void NAME(                                           \
        const T *const *dy_rows, const void *const *arg_rows, const long *row_taps, long rows,     \
        const long *column_start, const long *column_pairs, long w, long c, long s,               \
        int arg_bytes, T *dx, int stream) {                                                        \
        if (arg_bytes == 1) NAME##_body(dy_rows, arg_rows, row_taps, rows, column_start, column_pairs, w, c, s, 1, dx, stream); \
        else NAME##_body(dy_rows, arg_rows, row_taps, rows, column_start, column_pairs, w, c, s, 4, dx, stream); \
        if (stream) _mm_sfence();                                                                  \
    }
#if defined(__x86_64__)
CK_POOL_MAX_GATHER(max_gather_f32_avx512, float, __m512, ps, 16, __mmask16, 0xFFFF, store_f32_avx512)
CK_POOL_MAX_GATHER(max_gather_f64_avx512, double, __m512d, pd, 8, __mmask8, 0xFF, store_f64_avx512)
#endif

#define CK_POOL_MAX_GATHER_DISPATCH(NAME, T, AVX512)                                               \
    int NAME(int isa, const T *const *dy_rows, const void *const *arg_rows, const long *row_taps,  \
             long rows, const long *column_start, const long *column_pairs, long w, long c,       \
             long s, int arg_bytes, T *dx, int stream) {                                           \
        CK_POOL_MAX_GATHER_X86(AVX512)                                                             \
        (void)dy_rows, (void)arg_rows, (void)row_taps, (void)rows, (void)column_start;             \
        (void)column_pairs, (void)w, (void)c, (void)s, (void)arg_bytes, (void)dx, (void)stream;    \
        (void)isa;                                                                                 \
        return 0;                                                                                  \
    }
#if defined(__x86_64__)
#define CK_POOL_MAX_GATHER_X86(AVX512)                                                             \
    if (isa == CK_ISA_AVX512) {                                                                    \
        AVX512(dy_rows, arg_rows, row_taps, rows, column_start, column_pairs, w, c, s, arg_bytes, dx, stream); \
        return 1;                                                                                  \
    }
CK_POOL_MAX_GATHER_DISPATCH(ck_pool_max_gather_row_f32, float, max_gather_f32_avx512)
CK_POOL_MAX_GATHER_DISPATCH(ck_pool_max_gather_row_f64, double, max_gather_f64_avx512)
#else
#define CK_POOL_MAX_GATHER_X86(AVX512)
CK_POOL_MAX_GATHER_DISPATCH(ck_pool_max_gather_row_f32, float, _)
CK_POOL_MAX_GATHER_DISPATCH(ck_pool_max_gather_row_f64, double, _)
#endif
