// Testers of ConvKit's micro-kernel families, in XNNPACK's manner: each sweeps the sizes around
// every tile edge of the instruction set it tests (m = 1 … MR + 1, n = 1 … NR + 1 and past a
// second tile, depths around each block edge), fills outputs with a NaN sentinel to catch
// elements left unwritten or written outside the block, offsets and strides every pointer, and
// compares each element with a scalar reference that performs the kernel's operations in the
// kernel's order with fma(): bit for bit on AVX2 and AVX-512, to a rounding bound on the
// portable kernels (which fuse only where the target has FMA).
#ifndef CCONVKITKERNELTESTER_H
#define CCONVKITKERNELTESTER_H

#ifdef __cplusplus
extern "C" {
#endif

/// The kernel families a tester exists for.
typedef enum {
    CKT_GEMM_PACKED = 0,
    CKT_GEMM_INDIRECT,
    CKT_WEIGHT_GRADIENT,
    CKT_FEW_COLUMNS,
    CKT_SMALL_FORWARD,
    CKT_SMALL_WEIGHTS,
    CKT_SMALL_DATA,
    CKT_SMALL_COPIES,
    CKT_POOL_MAX,
    CKT_POOL_AVG,
    CKT_POOL_MAX_BACKWARD,
    CKT_POOL_MAX_GATHER,
    CKT_TRANSPOSE,
    CKT_WINOGRAD,
    CKT_POOL_NCHW,
    CKT_FAMILY_COUNT,
} ckt_family;

/// The family's name, as in the generated kernels' names.
const char *ckt_family_name(int family);

/// Whether the family has double kernels (all have float ones).
int ckt_family_has_double(int family);

/// Runs the tester of `family` on the kernels of `isa` (a ck_isa this CPU supports), in float
/// (`is_double` 0) or double (families that have double kernels). Returns the number of failed
/// checks, describes the first in `message` (NUL-terminated, at most `capacity` bytes) and sets
/// `*cases` to the number of cases run.
long ckt_run(int family, int isa, int is_double, long *cases, char *message, long capacity);

#ifdef __cplusplus
}
#endif

#endif
