// Allocator settings for programs that allocate large tensors over and over.
#include "CConvKitKernels.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

void ck_keep_large_allocations(void) {
#if defined(__GLIBC__)
    // Large freed blocks stay in the heap instead of going back to the system, so the next
    // tensor of that size reuses mapped memory rather than faulting in fresh pages.
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}
