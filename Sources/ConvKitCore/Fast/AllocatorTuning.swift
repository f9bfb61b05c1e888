#if canImport(Glibc)
import Glibc
#endif
import CConvKitKernels

/// Process-wide settings for programs (the `convkit` tool) built on ConvKit.
extension ConvKitRuntime {
    /// Makes glibc keep large freed blocks for reuse, so that the tensors a training loop or a
    /// benchmark allocates again and again do not fault in fresh pages each time. It changes the
    /// whole process's allocator: call it from a program's `main`, not from a library.
    public static func keepLargeAllocations() {
        ck_keep_large_allocations()
    }
}


/// Asks Linux to back the 2 MiB-aligned interior of a fresh buffer with huge pages before it is
/// first written. Large outputs come straight from `mmap`, and first-touch faults on 4 KiB
/// pages would otherwise cost more than the pooling itself; with transparent huge pages in
/// `madvise` mode one fault maps 2 MiB, and a weight streamed from memory misses the TLB
/// 512 times less. Does nothing for buffers under `minimumBytes` (8 MiB unless given) or elsewhere.
func adviseHugePages(_ pointer: UnsafeMutableRawPointer, bytes: Int, minimumBytes: Int = 8 << 20) {
    #if os(Linux)
    let huge = 2 << 20
    guard bytes >= max(minimumBytes, huge) else { return }
    let start = (Int(bitPattern: pointer) + huge - 1) & ~(huge - 1)
    let end = (Int(bitPattern: pointer) + bytes) & ~(huge - 1)
    guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
    _ = madvise(aligned, end - start, 14)  // MADV_HUGEPAGE
    #endif
}
