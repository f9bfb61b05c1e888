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
