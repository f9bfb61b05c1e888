// Max-pooling kernels (see ck_pool.h): one output row at a time, every window's taps combined
// in registers, one vector of channels at a time. The comparison keeps the running maximum b
// unless v > b or v is NaN, and never replaces a NaN b: "not (v <= b)" and "b is ordered".
#include "CConvKitKernels.h"
#include <stdint.h>

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
#define CK_POOL_AHEAD 4
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
__attribute__((target("avx512f"))) static inline void store_u8_avx512(uint8_t *target, __m512i a, long count) {
    __m128i bytes = _mm512_cvtepi32_epi8(a);
    if (count == 16) {
        _mm_storeu_si128((__m128i *)target, bytes);
    } else if (count == 8) {
        _mm_storel_epi64((__m128i *)target, bytes);
    } else {
        uint8_t lanes[16];
        _mm_storeu_si128((__m128i *)lanes, bytes);
        for (long l = 0; l < count; l++) target[l] = lanes[l];
    }
}

__attribute__((target("avx512f"))) static void
max_row_f32_avx512(const float *const *x_rows, const long *row_taps, long rows, const long *cols,
                   long q, long c, long s, long dw, float *out, void *arg, int arg_bytes,
                   const float **ptrs, int *ids) {
    for (long j = 0; j < q; j++) {
        long n = ck_pool_taps_f32(x_rows, row_taps, rows, cols, j, c, s, dw, ptrs, ids);
        ck_pool_prefetch((const void *const *)x_rows, rows, cols, j, q, c, dw, sizeof(float));
        for (long ch = 0; ch < c; ch += 16) {
            __mmask16 m = c - ch >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (c - ch)) - 1);
            __m512 b = m == 0xFFFF ? _mm512_loadu_ps(ptrs[0] + ch) : _mm512_maskz_loadu_ps(m, ptrs[0] + ch);
            __m512i a = _mm512_set1_epi32(ids[0]);
            for (long k = 1; k < n; k++) {
                __m512 v = m == 0xFFFF ? _mm512_loadu_ps(ptrs[k] + ch) : _mm512_maskz_loadu_ps(m, ptrs[k] + ch);
                __mmask16 take = _mm512_cmp_ps_mask(v, b, _CMP_NLE_UQ) & _mm512_cmp_ps_mask(b, b, _CMP_ORD_Q);
                b = _mm512_mask_blend_ps(take, b, v);
                a = _mm512_mask_blend_epi32(take, a, _mm512_set1_epi32(ids[k]));
            }
            _mm512_mask_storeu_ps(out + j * c + ch, m, b);
            if (arg_bytes == 1) store_u8_avx512((uint8_t *)arg + j * c + ch, a, c - ch < 16 ? c - ch : 16);
            else if (arg_bytes == 4) _mm512_mask_storeu_epi32((int32_t *)arg + j * c + ch, m, a);
        }
    }
}

__attribute__((target("avx512f"))) static void
max_row_f64_avx512(const double *const *x_rows, const long *row_taps, long rows, const long *cols,
                   long q, long c, long s, long dw, double *out, void *arg, int arg_bytes,
                   const double **ptrs, int *ids) {
    for (long j = 0; j < q; j++) {
        long n = ck_pool_taps_f64(x_rows, row_taps, rows, cols, j, c, s, dw, ptrs, ids);
        ck_pool_prefetch((const void *const *)x_rows, rows, cols, j, q, c, dw, sizeof(double));
        for (long ch = 0; ch < c; ch += 8) {
            __mmask8 m = c - ch >= 8 ? (__mmask8)0xFF : (__mmask8)((1u << (c - ch)) - 1);
            __m512d b = _mm512_maskz_loadu_pd(m, ptrs[0] + ch);
            __m512i a = _mm512_set1_epi32(ids[0]);  // lanes 0..7 used
            for (long k = 1; k < n; k++) {
                __m512d v = _mm512_maskz_loadu_pd(m, ptrs[k] + ch);
                __mmask8 take = _mm512_cmp_pd_mask(v, b, _CMP_NLE_UQ) & _mm512_cmp_pd_mask(b, b, _CMP_ORD_Q);
                b = _mm512_mask_blend_pd(take, b, v);
                a = _mm512_mask_blend_epi32((__mmask16)take, a, _mm512_set1_epi32(ids[k]));
            }
            _mm512_mask_storeu_pd(out + j * c + ch, m, b);
            if (arg_bytes == 1) store_u8_avx512((uint8_t *)arg + j * c + ch, a, c - ch < 8 ? c - ch : 8);
            else if (arg_bytes == 4) _mm512_mask_storeu_epi32((int32_t *)arg + j * c + ch, (__mmask16)m, a);
        }
    }
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
                 const float **ptrs, int *ids) {
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
                 const double **ptrs, int *ids) {
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
#define CK_POOL_AVG_KERNEL(NAME, TARGET, T, V, P, S, LANES, TAPS)                                 \
    __attribute__((target(TARGET))) static void NAME(                                             \
        const T *const *x_rows, long rows, const long *cols, long q, long c, long dw,             \
        long row_count, long divisor_override, T *out, const T **ptrs) {                          \
        for (long j = 0; j < q; j++) {                                                            \
            long n = TAPS(x_rows, rows, cols, j, c, dw, ptrs);                                    \
            long divisor = divisor_override > 0 ? divisor_override : row_count * cols[4 * j + 3]; \
            T d = (T)divisor;                                                                     \
            int exact = ck_is_power_of_two(divisor);                                              \
            V vd = P##_set1_##S(exact ? (T)1 / d : d);                                            \
            long ch = 0;                                                                          \
            for (; ch + LANES <= c; ch += LANES) {                                                \
                V sum = P##_setzero_##S();                                                        \
                for (long k = 0; k < n; k++) sum = P##_add_##S(sum, P##_loadu_##S(ptrs[k] + ch)); \
                P##_storeu_##S(out + j * c + ch, exact ? P##_mul_##S(sum, vd) : P##_div_##S(sum, vd)); \
            }                                                                                     \
            for (; ch < c; ch++) {                                                                \
                T sum = 0;                                                                        \
                for (long k = 0; k < n; k++) sum += ptrs[k][ch];                                  \
                out[j * c + ch] = sum / d;                                                        \
            }                                                                                     \
        }                                                                                         \
    }

CK_POOL_AVG_KERNEL(avg_row_f32_avx512, "avx512f", float, __m512, _mm512, ps, 16, ck_pool_avg_taps_f32)
CK_POOL_AVG_KERNEL(avg_row_f64_avx512, "avx512f", double, __m512d, _mm512, pd, 8, ck_pool_avg_taps_f64)
CK_POOL_AVG_KERNEL(avg_row_f32_avx2, "avx2", float, __m256, _mm256, ps, 8, ck_pool_avg_taps_f32)
CK_POOL_AVG_KERNEL(avg_row_f64_avx2, "avx2", double, __m256d, _mm256, pd, 4, ck_pool_avg_taps_f64)
#endif

int ck_pool_max_row_f32(int isa, const float *const *x_rows, const long *row_taps, long rows,
                        const long *cols, long q, long c, long s, long dw, float *out, void *arg,
                        int arg_bytes, const float **tap_pointers, int *tap_ids) {
#if defined(__x86_64__)
    if (isa == CK_ISA_AVX512) {
        max_row_f32_avx512(x_rows, row_taps, rows, cols, q, c, s, dw, out, arg, arg_bytes, tap_pointers, tap_ids);
        return 1;
    }
    if (isa == CK_ISA_AVX2) {
        max_row_f32_avx2(x_rows, row_taps, rows, cols, q, c, s, dw, out, arg, arg_bytes, tap_pointers, tap_ids);
        return 1;
    }
#endif
    (void)x_rows, (void)row_taps, (void)rows, (void)cols, (void)q, (void)c, (void)s, (void)dw;
    (void)out, (void)arg, (void)arg_bytes, (void)tap_pointers, (void)tap_ids, (void)isa;
    return 0;
}

int ck_pool_max_row_f64(int isa, const double *const *x_rows, const long *row_taps, long rows,
                        const long *cols, long q, long c, long s, long dw, double *out, void *arg,
                        int arg_bytes, const double **tap_pointers, int *tap_ids) {
#if defined(__x86_64__)
    if (isa == CK_ISA_AVX512) {
        max_row_f64_avx512(x_rows, row_taps, rows, cols, q, c, s, dw, out, arg, arg_bytes, tap_pointers, tap_ids);
        return 1;
    }
    if (isa == CK_ISA_AVX2) {
        max_row_f64_avx2(x_rows, row_taps, rows, cols, q, c, s, dw, out, arg, arg_bytes, tap_pointers, tap_ids);
        return 1;
    }
#endif
    (void)x_rows, (void)row_taps, (void)rows, (void)cols, (void)q, (void)c, (void)s, (void)dw;
    (void)out, (void)arg, (void)arg_bytes, (void)tap_pointers, (void)tap_ids, (void)isa;
    return 0;
}

#define CK_POOL_AVG_DISPATCH(NAME, T, AVX512, AVX2)                                                \
    int NAME(int isa, const T *const *x_rows, long rows, const long *cols, long q, long c,        \
             long dw, long row_count, long divisor_override, T *out, const T **tap_pointers) {    \
        CK_POOL_AVG_X86(AVX512, AVX2)                                                              \
        (void)x_rows, (void)rows, (void)cols, (void)q, (void)c, (void)dw, (void)row_count;         \
        (void)divisor_override, (void)out, (void)tap_pointers, (void)isa;                          \
        return 0;                                                                                  \
    }
#if defined(__x86_64__)
#define CK_POOL_AVG_X86(AVX512, AVX2)                                                              \
    if (isa == CK_ISA_AVX512 || isa == CK_ISA_AVX2) {                                             \
        (isa == CK_ISA_AVX512 ? AVX512 : AVX2)(x_rows, rows, cols, q, c, dw, row_count,            \
                                               divisor_override, out, tap_pointers);               \
        return 1;                                                                                  \
    }
CK_POOL_AVG_DISPATCH(ck_pool_avg_row_f32, float, avg_row_f32_avx512, avg_row_f32_avx2)
CK_POOL_AVG_DISPATCH(ck_pool_avg_row_f64, double, avg_row_f64_avx512, avg_row_f64_avx2)
#else
#define CK_POOL_AVG_X86(AVX512, AVX2)
CK_POOL_AVG_DISPATCH(ck_pool_avg_row_f32, float, _, _)
CK_POOL_AVG_DISPATCH(ck_pool_avg_row_f64, double, _, _)
#endif
