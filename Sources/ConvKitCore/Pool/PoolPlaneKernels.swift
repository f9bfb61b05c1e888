import CConvKitKernels

/// The NCHW plane kernels of `CConvKitKernels` (ck_pool.h, ck_pool_max_nchw_f32 and the rest)
/// for one call's instruction set and windows, typed for the element type.
///
/// Valid while the plan's tables are: the plane description points into them.
struct PoolPlaneKernels<T: ConvKitFloat> {
    let isa: Int32
    let plane: ck_pool_plane

    /// `inputEnd`: the end of the input tensor, up to which the forward kernels may read;
    /// `tapOffsets`: each window tap's offset in the plane (R · S entries, for the max-pooling gradient).
    init(
        _ plan: PoolFastPlan, tables: PoolTables, inputEnd: UnsafeRawPointer? = nil,
        tapOffsets: UnsafePointer<Int>? = nil
    ) {
        isa = plan.policy.code
        let g = plan.g
        plane = ck_pool_plane(
            h: g.inputHeight, w: g.inputWidth, p: g.outputHeight, q: g.outputWidth, s: g.windowWidth,
            dh: g.dilation.height, dw: g.dilation.width, sw: g.stride.width, rows: tables.rows, cols: tables.columns,
            tap_cols: tables.tapColumns, divisor_override: plan.divisorOverride ?? 0, stream: plan.streams(T.self) ? 1 : 0,
            end: inputEnd, tap_offsets: tapOffsets)
    }

    /// Max pooling of the `planes` consecutive planes at x into out (P, Q each), the argmax of
    /// `argBytes` (0: none, 1 or 4) per element into arg.
    func max(planes: Int, _ x: UnsafePointer<T>, out: UnsafeMutablePointer<T>, arg: UnsafeMutableRawPointer?, argBytes: Int) {
        withUnsafePointer(to: plane) { g in
            if T.self == Float.self {
                ck_pool_max_nchw_f32(isa, g, planes, x.asFloat, out.asFloat, arg, Int32(argBytes))
            } else {
                ck_pool_max_nchw_f64(isa, g, planes, x.asDouble, out.asDouble, arg, Int32(argBytes))
            }
        }
    }

    /// Average pooling of the `planes` consecutive planes at x into out (P, Q each).
    func average(planes: Int, _ x: UnsafePointer<T>, out: UnsafeMutablePointer<T>) {
        withUnsafePointer(to: plane) { g in
            if T.self == Float.self {
                ck_pool_avg_nchw_f32(isa, g, planes, x.asFloat, out.asFloat)
            } else {
                ck_pool_avg_nchw_f64(isa, g, planes, x.asDouble, out.asDouble)
            }
        }
    }

    /// The average-pooling gradient of `planes` consecutive planes: dy (P, Q each) into dx (H, W
    /// each), each element written once where the windows `tile` the input; `share` is scratch
    /// for Q elements.
    func averageBackward(
        planes: Int, _ dy: UnsafePointer<T>, tiles: Bool, share: UnsafeMutablePointer<T>, dx: UnsafeMutablePointer<T>
    ) {
        withUnsafePointer(to: plane) { g in
            if T.self == Float.self {
                ck_pool_avg_backward_nchw_f32(isa, g, planes, dy.asFloat, tiles ? 1 : 0, share.asFloat, dx.asFloat)
            } else {
                ck_pool_avg_backward_nchw_f64(isa, g, planes, dy.asDouble, tiles ? 1 : 0, share.asDouble, dx.asDouble)
            }
        }
    }

    /// The max-pooling gradient of `planes` consecutive planes from their stored argmax
    /// (`argBytes` 1 or 4 per element): dy (P, Q each) into dx (H, W each), each element written
    /// once where the windows `tile` the input.
    func maxBackward(
        planes: Int, _ dy: UnsafePointer<T>, arg: UnsafeRawPointer, argBytes: Int, tiles: Bool, dx: UnsafeMutablePointer<T>
    ) {
        withUnsafePointer(to: plane) { g in
            if T.self == Float.self {
                ck_pool_max_backward_nchw_f32(isa, g, planes, dy.asFloat, arg, Int32(argBytes), tiles ? 1 : 0, dx.asFloat)
            } else {
                ck_pool_max_backward_nchw_f64(isa, g, planes, dy.asDouble, arg, Int32(argBytes), tiles ? 1 : 0, dx.asDouble)
            }
        }
    }
}
