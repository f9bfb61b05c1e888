// What every generated kernel file (gen/) includes before its instruction set's vector layer.
#ifndef CK_KERNEL_SUPPORT_H
#define CK_KERNEL_SUPPORT_H
#include "CConvKitKernels.h"

// Loops over a tile's rows and vectors are unrolled whole, so the accumulators stay in registers.
#if defined(__clang__)
#define CK_UNROLL _Pragma("clang loop unroll(full)")
#else
#define CK_UNROLL _Pragma("GCC unroll 32")
#endif

#include "gen/ck_kernels.h"
#endif
