// Allocator settings for programs that allocate large tensors over and over.
#include "CConvKitKernels.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

void ck_keep_large_allocations(void) {
#if defined(__GLIBC__)
    // Large blocks come from the heap, not from mmap (M_MMAP_THRESHOLD cannot exceed 32 MB,
    // so turn mmap off), and freed ones stay there: the next tensor of that size reuses
    // mapped memory rather than faulting in fresh pages.
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}
