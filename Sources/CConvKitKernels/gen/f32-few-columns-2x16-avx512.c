// Auto-generated file. Do not edit!
//   Template: Sources/CConvKitKernels/templates/few_columns.c.in
//   Generator: Scripts/generate-kernels.py
#include "../ck_kernel_support.h"
#if defined(__x86_64__)
#include "../vec/ck_vec_avx512.h"

// C = A · B for few columns (n ≤ 4; CConvKitKernels.h, ck_sgemm_few_columns): dot products
// along the contiguous channel axis, two rows at a time sharing each load of B. The partial
// sums are 16 lanes wide on every instruction set (1 vectors of 16 here) and are added in one
// fixed tree, so every instruction set gives the same bits.

// Σ lanes[0 ..< 16], halving: lanes[i] += lanes[i + half].
CKV_INLINE float ck_reduce(float *lanes) {
    for (int half = 16 / 2; half > 0; half /= 2)
        for (int i = 0; i < half; i++) lanes[i] += lanes[i + half];
    return lanes[0];
}

CKV_INLINE float ck_sum(const ckv_avx512_f32 *partial) {
    float lanes[16];
    CK_UNROLL for (int v = 0; v < 1; v++) ckv_avx512_f32_store(lanes + v * 16, partial[v]);
    return ck_reduce(lanes);
}

CKV_TARGET void ck_f32_few_columns_2x16__avx512(long m, long n, long taps, long channels,
                                                 const float *const *rows, const float *const *b, long b_column_stride,
                                                 float *c, const long *row_offsets) {
    enum { NV = 1, KB = 16 };
    for (long i = 0; i < m; i += 2) {
        long second = i + 1 < m ? i + 1 : i;
        ckv_avx512_f32 s0[4][NV], s1[4][NV];
        CK_UNROLL for (int j = 0; j < 4; j++) CK_UNROLL for (int v = 0; v < NV; v++) {
            s0[j][v] = ckv_avx512_f32_zero();
            s1[j][v] = ckv_avx512_f32_zero();
        }
        for (long t = 0; t < taps; t++) {
            const float *a0 = rows[i * taps + t], *a1 = rows[second * taps + t];
            for (long k = 0; k < channels; k += KB) {
                ckv_avx512_f32 x0[NV], x1[NV];
                CK_UNROLL for (int v = 0; v < NV; v++) {
                    long left = channels - k - v * 16;
                    x0[v] = ckv_avx512_f32_load_tail(a0 + k + v * 16, left);
                    x1[v] = ckv_avx512_f32_load_tail(a1 + k + v * 16, left);
                }
                // Constant indices (the loop unrolled, the columns past n skipped) keep the sums in registers.
                CK_UNROLL for (int j = 0; j < 4; j++) {
                    if (j >= n) break;
                    const float *w = b[t] + j * b_column_stride + k;
                    CK_UNROLL for (int v = 0; v < NV; v++) {
                        ckv_avx512_f32 wv = ckv_avx512_f32_load_tail(w + v * 16, channels - k - v * 16);
                        s0[j][v] = ckv_avx512_f32_fma(x0[v], wv, s0[j][v]);
                        s1[j][v] = ckv_avx512_f32_fma(x1[v], wv, s1[j][v]);
                    }
                }
            }
        }
        CK_UNROLL for (int j = 0; j < 4; j++) {
            if (j >= n) break;
            c[row_offsets[i] + j] = ck_sum(s0[j]);
            if (second != i) c[row_offsets[second] + j] = ck_sum(s1[j]);
        }
    }
}
#endif  // defined(__x86_64__)
