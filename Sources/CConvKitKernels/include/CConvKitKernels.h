// Micro-kernels of ConvKit's fast path, compiled for several instruction sets and chosen at run
// time. Everything else (packing, blocking, threading) lives in Swift.
#ifndef CCONVKITKERNELS_H
#define CCONVKITKERNELS_H

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction sets with kernels of their own.
typedef enum {
    CK_ISA_GENERIC = 0,
    CK_ISA_AVX2 = 1,
    CK_ISA_AVX512 = 2,
} ck_isa;

/// The best instruction set this CPU supports.
int ck_isa_detect(void);

/// Rows (MR) and columns (NR) of the micro-tile of `isa`, for float (`is_double` 0) or double.
int ck_gemm_mr(int isa, int is_double);
int ck_gemm_nr(int isa, int is_double);

/// C (+)= A · B over packed operands: for the `m × n` block of C whose row i starts at
/// `c + row_offsets[i]`,
///   C[i][j] = (accumulate ? C[i][j] : 0) + Σ_{p < kc} A[i][p] · B[p][j].
/// `a` holds ceil(m / MR) micro-panels, panel t at a + t·kc·MR, element (i, p) at [p·MR + i];
/// `b` holds ceil(n / NR) micro-panels, panel u at b + u·kc·NR, element (p, j) at [p·NR + j].
/// Panels are zero-padded to whole tiles; only the m × n block of C is written.
void ck_sgemm_packed(int isa, long m, long n, long kc, const float *a, const float *b,
                     float *c, const long *row_offsets, int accumulate);
void ck_dgemm_packed(int isa, long m, long n, long kc, const double *a, const double *b,
                     double *c, const long *row_offsets, int accumulate);

/// C (+)= A · B where A is given indirectly: row i of A is the concatenation over taps t of the
/// `channels` elements at `a_rows[i · taps + t]` (an implicit-GEMM convolution reads its input
/// through these pointers; a padding tap points at a row of zeros). B is packed as for
/// ck_sgemm_packed with depth taps · channels; C is addressed as there. `bias` (n elements, or
/// NULL) is added to every row, so C = bias + A · B needs no pass of its own.
void ck_sgemm_indirect(int isa, long m, long n, long taps, long channels, const float *const *a_rows,
                       const float *b, const float *bias, float *c, const long *row_offsets, int accumulate);
void ck_dgemm_indirect(int isa, long m, long n, long taps, long channels, const double *const *a_rows,
                       const double *b, const double *bias, double *c, const long *row_offsets, int accumulate);

/// Rows of the micro-tile of the indirect kernels of `isa`.
int ck_indirect_mr(int isa);

/// Fused multiply-add throughput probe: runs `iterations` rounds of independent FMAs on
/// registers of `isa` and returns a value that depends on them (so they are not optimised away).
/// Each round is 2 · lanes · chains flops, with lanes and chains given by ck_peak_flops_per_round.
float ck_peak_probe(int isa, long iterations);
long ck_peak_flops_per_round(int isa);

/// Tunes glibc's allocator to keep large freed blocks for reuse (no-op elsewhere). For
/// programs, not libraries: it changes the whole process.
void ck_keep_large_allocations(void);

#ifdef __cplusplus
}
#endif

#endif
