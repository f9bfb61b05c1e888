// Auto-generated file. Do not edit!
//   Template: Sources/CConvKitKernels/templates/peak.c.in
//   Generator: Scripts/generate-kernels.py
#include "../ck_kernel_support.h"
#if defined(__x86_64__)
#include "../vec/ck_vec_avx2.h"

// The FMA throughput probe (CConvKitKernels.h, ck_peak_probe): 12 independent chains of FMAs
// on vectors of 8 floats, which is what the GEMM tiles keep in flight.
CKV_TARGET float ck_f32_peak_12x8__avx2(long iterations) {
    enum { CHAINS = 12 };
    ckv_avx2_f32 acc[CHAINS];
    ckv_avx2_f32 x = ckv_avx2_f32_set1(0.999999f), y = ckv_avx2_f32_set1(1e-7f);
    CK_UNROLL for (int i = 0; i < CHAINS; i++) acc[i] = ckv_avx2_f32_set1((float)i);
    for (long it = 0; it < iterations; it++) {
        CK_UNROLL for (int i = 0; i < CHAINS; i++) acc[i] = ckv_avx2_f32_fma(acc[i], x, y);
    }
    ckv_avx2_f32 sum = acc[0];
    CK_UNROLL for (int i = 1; i < CHAINS; i++) sum = ckv_avx2_f32_add(sum, acc[i]);
    float lanes[8], total = 0;
    ckv_avx2_f32_store(lanes, sum);
    for (int i = 0; i < 8; i++) total += lanes[i];
    return total;
}
#endif  // defined(__x86_64__)
