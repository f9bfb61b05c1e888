// Auto-generated file. Do not edit!
//   Template: Sources/CConvKitKernels/templates/gemm_indirect.c.in
//   Generator: Scripts/generate-kernels.py
#include "../ck_kernel_support.h"
#include "../vec/ck_vec_generic.h"

// C (+)= bias + A · B with A read through row pointers (CConvKitKernels.h, ck_sgemm_indirect), on
// an 4 × 8 tile of C: 4 rows × 2 vectors of 4. Each element of C is a chain of FMAs
// over (tap, channel) that starts at the bias (or zero), then added to C: the same operations
// in the same order on every instruction set.
// Stores row i of an MR × NR tile (NV vectors) into the nr ≤ NR columns at `row`:
// row[j] = (accumulate ? row[j] : 0) + acc[j], the same additions on every instruction set.
CKV_INLINE void ck_store_row(float *row, const ckv_generic_f32 *acc, long nr, int accumulate) {
    for (int v = 0; v < 2; v++) {
        long lanes = nr - v * 4;
        if (lanes <= 0) break;
        ckv_generic_f32 sum = acc[v];
        if (accumulate) sum = ckv_generic_f32_add(ckv_generic_f32_load_tail(row + v * 4, lanes), sum);
        ckv_generic_f32_store_tail(row + v * 4, sum, lanes);
    }
}

CKV_TARGET void ck_f32_gemm_indirect_4x8__generic(long m, long n, long taps, long channels,
                                                     const float *const *rows, const float *b, const float *bias,
                                                     float *c, const long *row_offsets, int accumulate) {
    enum { MR = 4, NV = 2, NR = 8 };
    long kc = taps * channels;
    for (long j0 = 0; j0 < n; j0 += NR) {
        long nr = n - j0 < NR ? n - j0 : NR;
        for (long i0 = 0; i0 < m; i0 += MR) {
            long mr = m - i0 < MR ? m - i0 : MR;
            const float *bp = b + (j0 / NR) * kc * NR;
            // The bias is loaded again for every tile: kept live across the tiles, its vectors
            // left AVX2's 16 registers one short, and an accumulator went to the stack and back
            // on every step (resnet-56-s2 forward at 54 instead of 80 GFLOP/s).
            ckv_generic_f32 acc[MR][NV];
            CK_UNROLL for (int v = 0; v < NV; v++) {
                ckv_generic_f32 start = bias ? ckv_generic_f32_load_tail(bias + j0 + v * 4, nr - v * 4) : ckv_generic_f32_zero();
                CK_UNROLL for (int i = 0; i < MR; i++) acc[i][v] = start;
            }
            for (long t = 0; t < taps; t++) {
                // Rows past m read row i0 (computed, never stored).
                const float *a[MR];
                CK_UNROLL for (int i = 0; i < MR; i++) a[i] = rows[(i < mr ? i0 + i : i0) * taps + t];
                for (long p = 0; p < channels; p++, bp += NR) {
                    // The first tile of a panel reads it from memory (a large weight at a small
                    // batch is in no cache): fetch it 16 steps ahead; the other tiles find it in L2.
                    if (i0 == 0) {
                        for (long line = 0; line < NR * (long)sizeof(float); line += 64) __builtin_prefetch((const char *)(bp + 16 * NR) + line);
                    }
                    ckv_generic_f32 bv[NV];
                    CK_UNROLL for (int v = 0; v < NV; v++) bv[v] = ckv_generic_f32_load(bp + v * 4);
                    CK_UNROLL for (int i = 0; i < MR; i++) {
                        ckv_generic_f32 ai = ckv_generic_f32_set1(a[i][p]);
                        CK_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = ckv_generic_f32_fma(ai, bv[v], acc[i][v]);
                    }
                }
            }
            // Constant indices (the loop unrolled, the rows past mr skipped) keep acc in registers.
            CK_UNROLL for (int i = 0; i < MR; i++)
                if (i < mr) ck_store_row(c + row_offsets[i0 + i] + j0, acc[i], nr, accumulate);
        }
    }
}
