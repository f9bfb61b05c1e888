// Auto-generated file. Do not edit!
//   Template: Sources/CConvKitKernels/templates/gemm_packed.c.in
//   Generator: Scripts/generate-kernels.py
#include "../ck_kernel_support.h"
#if defined(__x86_64__)
#include "../vec/ck_vec_avx2.h"

// C (+)= A · B over packed panels (CConvKitKernels.h, ck_sgemm_packed), on an 6 × 16 tile of
// C: 6 rows × 2 vectors of 8. Each element of C is a chain of FMAs over p from zero, then
// added to C: the same operations in the same order on every instruction set.
// Stores row i of an MR × NR tile (NV vectors) into the nr ≤ NR columns at `row`:
// row[j] = (accumulate ? row[j] : 0) + acc[j], the same additions on every instruction set.
CKV_INLINE void ck_store_row(float *row, const ckv_avx2_f32 *acc, long nr, int accumulate) {
    for (int v = 0; v < 2; v++) {
        long lanes = nr - v * 8;
        if (lanes <= 0) break;
        ckv_avx2_f32 sum = acc[v];
        if (accumulate) sum = ckv_avx2_f32_add(ckv_avx2_f32_load_tail(row + v * 8, lanes), sum);
        ckv_avx2_f32_store_tail(row + v * 8, sum, lanes);
    }
}

CKV_TARGET void ck_f32_gemm_packed_6x16__avx2(long m, long n, long kc, const float *a, const float *b,
                                                   float *c, const long *row_offsets, int accumulate) {
    enum { MR = 6, NV = 2, NR = 16 };
    for (long j0 = 0; j0 < n; j0 += NR) {
        const float *bp = b + (j0 / NR) * kc * NR;
        long nr = n - j0 < NR ? n - j0 : NR;
        for (long i0 = 0; i0 < m; i0 += MR) {
            const float *ap = a + (i0 / MR) * kc * MR;
            long mr = m - i0 < MR ? m - i0 : MR;
            ckv_avx2_f32 acc[MR][NV];
            CK_UNROLL for (int i = 0; i < MR; i++) CK_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = ckv_avx2_f32_zero();
            for (long p = 0; p < kc; p++) {
                ckv_avx2_f32 bv[NV];
                CK_UNROLL for (int v = 0; v < NV; v++) bv[v] = ckv_avx2_f32_load(bp + p * NR + v * 8);
                CK_UNROLL for (int i = 0; i < MR; i++) {
                    ckv_avx2_f32 ai = ckv_avx2_f32_set1(ap[p * MR + i]);
                    CK_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = ckv_avx2_f32_fma(ai, bv[v], acc[i][v]);
                }
            }
            // Constant indices (the loop unrolled, the rows past mr skipped) keep acc in registers.
            CK_UNROLL for (int i = 0; i < MR; i++)
                if (i < mr) ck_store_row(c + row_offsets[i0 + i] + j0, acc[i], nr, accumulate);
        }
    }
}
#endif  // defined(__x86_64__)
