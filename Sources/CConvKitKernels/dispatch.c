// Chooses the micro-kernels for the instruction set the caller asks for (see ck_isa_detect).
#include "CConvKitKernels.h"

void ck_sgemm_generic(long, long, long, const float *, const float *, float *, const long *, int);
void ck_dgemm_generic(long, long, long, const double *, const double *, double *, const long *, int);
float ck_peak_generic(long);
void ck_sgemm_indirect_generic(long, long, long, long, const float *const *, const float *, const float *, float *, const long *, int);
void ck_dgemm_indirect_generic(long, long, long, long, const double *const *, const double *, const double *, double *, const long *, int);
#if defined(__x86_64__)
void ck_sgemm_indirect_avx2(long, long, long, long, const float *const *, const float *, const float *, float *, const long *, int);
void ck_dgemm_indirect_avx2(long, long, long, long, const double *const *, const double *, const double *, double *, const long *, int);
void ck_sgemm_indirect_avx512(long, long, long, long, const float *const *, const float *, const float *, float *, const long *, int);
void ck_dgemm_indirect_avx512(long, long, long, long, const double *const *, const double *, const double *, double *, const long *, int);
void ck_sgemm_avx2(long, long, long, const float *, const float *, float *, const long *, int);
void ck_dgemm_avx2(long, long, long, const double *, const double *, double *, const long *, int);
void ck_sgemm_avx512(long, long, long, const float *, const float *, float *, const long *, int);
void ck_dgemm_avx512(long, long, long, const double *, const double *, double *, const long *, int);
float ck_peak_avx2(long);
float ck_peak_avx512(long);
#endif

int ck_isa_detect(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return CK_ISA_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return CK_ISA_AVX2;
#endif
    return CK_ISA_GENERIC;
}

int ck_gemm_mr(int isa, int is_double) {
    (void)is_double;
    switch (isa) {
    case CK_ISA_AVX512: return 8;
    case CK_ISA_AVX2: return 6;
    default: return 4;
    }
}

int ck_gemm_nr(int isa, int is_double) {
    switch (isa) {
    case CK_ISA_AVX512: return is_double ? 16 : 32;
    case CK_ISA_AVX2: return is_double ? 8 : 16;
    default: return 8;
    }
}

void ck_sgemm_packed(int isa, long m, long n, long kc, const float *a, const float *b, float *c,
                     const long *row_offsets, int accumulate) {
#if defined(__x86_64__)
    if (isa == CK_ISA_AVX512) { ck_sgemm_avx512(m, n, kc, a, b, c, row_offsets, accumulate); return; }
    if (isa == CK_ISA_AVX2) { ck_sgemm_avx2(m, n, kc, a, b, c, row_offsets, accumulate); return; }
#endif
    ck_sgemm_generic(m, n, kc, a, b, c, row_offsets, accumulate);
}

void ck_dgemm_packed(int isa, long m, long n, long kc, const double *a, const double *b, double *c,
                     const long *row_offsets, int accumulate) {
#if defined(__x86_64__)
    if (isa == CK_ISA_AVX512) { ck_dgemm_avx512(m, n, kc, a, b, c, row_offsets, accumulate); return; }
    if (isa == CK_ISA_AVX2) { ck_dgemm_avx2(m, n, kc, a, b, c, row_offsets, accumulate); return; }
#endif
    ck_dgemm_generic(m, n, kc, a, b, c, row_offsets, accumulate);
}

void ck_sgemm_weight_gradient_generic(long, long, long, long, long, long, const float *const *, const float *, long, float *, const long *, int);
void ck_dgemm_weight_gradient_generic(long, long, long, long, long, long, const double *const *, const double *, long, double *, const long *, int);
#if defined(__x86_64__)
void ck_sgemm_weight_gradient_avx512(long, long, long, long, long, long, const float *const *, const float *, long, float *, const long *, int);
void ck_dgemm_weight_gradient_avx512(long, long, long, long, long, long, const double *const *, const double *, long, double *, const long *, int);
#endif

// AVX2 machines use the portable weight-gradient kernel: its tile fits in any register file.
void ck_sgemm_weight_gradient(int isa, long m, long row_base, long n, long depth, long taps, long channels,
                              const float *const *a_rows, const float *b, long ldb, float *c,
                              const long *row_offsets, int accumulate) {
#if defined(__x86_64__)
    if (isa == CK_ISA_AVX512) {
        ck_sgemm_weight_gradient_avx512(m, row_base, n, depth, taps, channels, a_rows, b, ldb, c, row_offsets, accumulate);
        return;
    }
#endif
    ck_sgemm_weight_gradient_generic(m, row_base, n, depth, taps, channels, a_rows, b, ldb, c, row_offsets, accumulate);
}

void ck_dgemm_weight_gradient(int isa, long m, long row_base, long n, long depth, long taps, long channels,
                              const double *const *a_rows, const double *b, long ldb, double *c,
                              const long *row_offsets, int accumulate) {
#if defined(__x86_64__)
    if (isa == CK_ISA_AVX512) {
        ck_dgemm_weight_gradient_avx512(m, row_base, n, depth, taps, channels, a_rows, b, ldb, c, row_offsets, accumulate);
        return;
    }
#endif
    ck_dgemm_weight_gradient_generic(m, row_base, n, depth, taps, channels, a_rows, b, ldb, c, row_offsets, accumulate);
}

int ck_indirect_mr(int isa) {
    switch (isa) {
    case CK_ISA_AVX512: return 8;
    case CK_ISA_AVX2: return 6;
    default: return 4;
    }
}

void ck_sgemm_indirect(int isa, long m, long n, long taps, long channels, const float *const *a_rows,
                       const float *b, const float *bias, float *c, const long *row_offsets, int accumulate) {
#if defined(__x86_64__)
    if (isa == CK_ISA_AVX512) { ck_sgemm_indirect_avx512(m, n, taps, channels, a_rows, b, bias, c, row_offsets, accumulate); return; }
    if (isa == CK_ISA_AVX2) { ck_sgemm_indirect_avx2(m, n, taps, channels, a_rows, b, bias, c, row_offsets, accumulate); return; }
#endif
    ck_sgemm_indirect_generic(m, n, taps, channels, a_rows, b, bias, c, row_offsets, accumulate);
}

void ck_dgemm_indirect(int isa, long m, long n, long taps, long channels, const double *const *a_rows,
                       const double *b, const double *bias, double *c, const long *row_offsets, int accumulate) {
#if defined(__x86_64__)
    if (isa == CK_ISA_AVX512) { ck_dgemm_indirect_avx512(m, n, taps, channels, a_rows, b, bias, c, row_offsets, accumulate); return; }
    if (isa == CK_ISA_AVX2) { ck_dgemm_indirect_avx2(m, n, taps, channels, a_rows, b, bias, c, row_offsets, accumulate); return; }
#endif
    ck_dgemm_indirect_generic(m, n, taps, channels, a_rows, b, bias, c, row_offsets, accumulate);
}

float ck_peak_probe(int isa, long iterations) {
#if defined(__x86_64__)
    if (isa == CK_ISA_AVX512) return ck_peak_avx512(iterations);
    if (isa == CK_ISA_AVX2) return ck_peak_avx2(iterations);
#endif
    return ck_peak_generic(iterations);
}

long ck_peak_flops_per_round(int isa) {
    switch (isa) {
    case CK_ISA_AVX512: return 2L * 16 * 24;
    case CK_ISA_AVX2: return 2L * 8 * 12;
    default: return 2L * 8;
    }
}
