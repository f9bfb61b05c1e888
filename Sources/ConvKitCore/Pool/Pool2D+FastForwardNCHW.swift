/// The fast forward pooling of NCHW tensors, a plane at a time (``PoolPlaneKernels``): each
/// window's taps in the NHWC kernels' order, so both layouts give the same bits. Threads own
/// blocks of planes; the tensors are read and written once, without a transpose.
///
/// x is (N, C, H, W); y and arg are (N, C, P, Q).
@_specialize(where T == Float, I == UInt8)
@_specialize(where T == Double, I == UInt8)
@_specialize(where T == Float, I == Int32)
@_specialize(where T == Double, I == Int32)
func poolForwardNCHW<T: ConvKitFloat, I: FixedWidthInteger>(
    _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ arg: UnsafeMutablePointer<I>?,
    plan: PoolFastPlan, tables: PoolTables
) {
    let g = plan.g
    let (inputPlane, outputPlane) = (g.inputHeight * g.inputWidth, g.outputHeight * g.outputWidth)
    let planes = g.batch * g.channels
    let planesPerItem = plan.blockSize(planes, perBatch: 1)
    let blocks = (planes + planesPerItem - 1) / planesPerItem
    let kernels = PoolPlaneKernels<T>(plan, tables: tables, inputEnd: UnsafeRawPointer(x + planes * inputPlane))
    let argBytes = arg == nil ? 0 : MemoryLayout<I>.size
    ThreadPool.shared.parallelFor(blocks, threads: plan.threads) { item, _ in
        // The item's planes in one call (a call a plane took about 60 more instructions a plane).
        let first = item * planesPerItem
        let count = min(planes, first + planesPerItem) - first
        let (input, output) = (x + first * inputPlane, y + first * outputPlane)
        switch plan.mode {
        case .average:
            kernels.average(planes: count, input, out: output)
        case .max:
            kernels.max(
                planes: count, input, out: output, arg: arg.map { UnsafeMutableRawPointer($0 + first * outputPlane) },
                argBytes: argBytes)
        }
    }
}
