/// The forward convolution of an inference engine: the weight packed once when the model loads,
/// and the operators that follow a convolution (a residual Add, a Relu) applied to each block of
/// output rows while it is still in cache, instead of in passes of their own over memory.

/// A convolution weight `(R, S, C/G, K)` packed at load for the fast forward kernels of the
/// instruction set active then. Only the panels are kept (the weight itself too when it is small
/// enough for the first-layer kernels); a call under another instruction set unpacks them. A
/// weight for a convolution that Winograd computes keeps its 16 transformed matrices instead
/// (``WinogradConvolution``), re-laid for another instruction set's panels when called under it.
package final class Conv2DPackedWeight<T: ConvKitFloat>: @unchecked Sendable {
    /// The weight's shape, `(R, S, C/G, K)`.
    package let shape: [Int]
    /// The groups the panels were packed for.
    package let groups: Int
    /// The weight itself when the first-layer kernels may take it (G = 1, C ≤ 4), which read it unpacked.
    private let small: Tensor<T>?
    /// Whether the storage holds Winograd's U[ξ] rather than panels of the weight.
    package let isWinograd: Bool
    private let isa: KernelISA
    private let panelWidth: Int
    private let storage: UnsafeMutableRawPointer

    /// Packs `weight` (R, S, C/G, K) for `groups` groups; with `winograd`, a 3 × 3 weight of one
    /// group is transformed for Winograd instead (the caller's convolution must be one
    /// ``WinogradConvolution`` computes: stride 1, no dilation, zero padding).
    ///
    /// - Throws: ``ConvKitError`` when the weight is not 4-d or its K is not a multiple of `groups`.
    package init(rsck weight: Tensor<T>, groups: Int, winograd: Bool = false) throws {
        let function = "Conv2DPackedWeight"
        guard weight.rank == 4, groups >= 1, weight.shape[3] % groups == 0 else {
            throw ConvKitError(function, "weight \(shapeString(weight.shape)) with \(groups) groups: expected (R, S, C/G, K) with K a multiple of the groups")
        }
        let policy = KernelPolicy.current
        let gemm = PackedGEMM<T>(policy)
        let (depth, k) = (weight.shape[0] * weight.shape[1] * weight.shape[2], weight.shape[3])
        let kg = k / groups
        let perGroup = gemm.packedBSize(columns: kg, kc: depth)
        let isWinograd = winograd && groups == 1 && weight.shape[0] == 3 && weight.shape[1] == 3
        self.isWinograd = isWinograd
        let c = weight.shape[2]
        let elements = isWinograd
            ? WinogradConvolution.transformedSize(T.self, inputChannels: c, outputChannels: k, policy: policy) : groups * perGroup
        let bytes = try Checked.product(elements, MemoryLayout<T>.stride, what: "the packed weight", in: function)
        // Huge pages for a large weight: it is streamed from memory on every call at a small batch.
        storage = .allocate(byteCount: max(bytes, 1), alignment: bytes >= 2 << 20 ? 2 << 20 : 64)
        adviseHugePages(storage, bytes: bytes, minimumBytes: 2 << 20)
        let panels = storage.bindMemory(to: T.self, capacity: elements)
        weight.scalars.withUnsafeBufferPointer { w in
            guard let w = w.baseAddress else { return }
            if isWinograd {
                WinogradConvolution.transform(
                    weight: w, inputChannels: c, outputChannels: k, into: panels, threads: ConvKitRuntime.threads, policy: policy)
                return
            }
            for group in 0..<groups {
                gemm.packB(w, ld: k, row0: 0, kc: depth, column0: group * kg, n: kg, into: panels + group * perGroup)
            }
        }
        shape = weight.shape
        self.groups = groups
        small = groups == 1 && weight.shape[2] <= SmallChannelPlan.maximumInputChannels ? weight : nil
        (isa, panelWidth) = (policy.isa, gemm.nr)
    }

    deinit { storage.deallocate() }

    /// The panels, if they were packed for `policy`'s kernels.
    func panels(for policy: KernelPolicy) -> UnsafeMutablePointer<T>? {
        policy.isa == isa && !isWinograd ? storage.assumingMemoryBound(to: T.self) : nil
    }

    /// Winograd's U[ξ] in `policy`'s panels: the stored ones, or a copy re-laid for another
    /// instruction set's panel width (the same values, moved).
    func withTransformed<Result>(for policy: KernelPolicy, _ body: (UnsafePointer<T>) -> Result) -> Result {
        let stored = UnsafePointer(storage.assumingMemoryBound(to: T.self))
        let (c, k) = (shape[2], shape[3])
        let nr = PackedGEMM<T>(policy).nr
        if policy.isa == isa || nr == panelWidth { return body(stored) }
        let (from, to) = ((k + panelWidth - 1) / panelWidth * panelWidth * c, (k + nr - 1) / nr * nr * c)
        var relaid = [T](repeating: 0, count: 16 * to)
        for xi in 0..<16 {
            for p in 0..<c {
                for j in 0..<k {
                    relaid[xi * to + (j / nr * c + p) * nr + j % nr] = stored[xi * from + (j / panelWidth * c + p) * panelWidth + j % panelWidth]
                }
            }
        }
        return relaid.withUnsafeBufferPointer { body($0.baseAddress ?? stored) }
    }

    /// The weight `(R, S, C/G, K)`: kept when small, else read back from the panels.
    func weight() -> Tensor<T> {
        if let small { return small }
        let (depth, k) = (shape[0] * shape[1] * shape[2], shape[3])
        let kg = k / groups
        let perGroup = (kg + panelWidth - 1) / panelWidth * panelWidth * depth
        let panels = storage.assumingMemoryBound(to: T.self)
        var scalars = [T](repeating: 0, count: depth * k)
        // Column j of group g, row p: panel j / nr of the group, element p · nr + j % nr.
        for group in 0..<groups {
            for j in 0..<kg {
                let panel = panels + group * perGroup + j / panelWidth * depth * panelWidth + j % panelWidth
                for p in 0..<depth { scalars[p * k + group * kg + j] = panel[p * panelWidth] }
            }
        }
        return Tensor(uncheckedShape: shape, scalars: scalars)
    }

    /// Whether a call under `policy` needs ``weight()``: another instruction set's kernels, or
    /// the first-layer kernels (never a Winograd weight, which has no panels to read back).
    func needsWeight(_ policy: KernelPolicy) -> Bool { !isWinograd && (small != nil || panels(for: policy) == nil) }
}

/// What follows a convolution in a graph, done on its output while it is in cache:
/// `y = conv + residual`, then `max(y, 0)` with ``relu`` (NaN stays NaN, as in a Relu operator).
/// The results are bit for bit those of the separate operators.
package struct Conv2DEpilogue<T: ConvKitFloat>: Sendable {
    /// A tensor of the output's shape (NHWC) added to it, or nil.
    package var residual: Tensor<T>?
    /// Whether a ReLU follows.
    package var relu: Bool

    package init(residual: Tensor<T>? = nil, relu: Bool = false) {
        self.residual = residual
        self.relu = relu
    }
}

/// ``Conv2DEpilogue`` on pointers, for the kernels' blocks.
struct Conv2DEpilogueRun<T: ConvKitFloat> {
    let residual: UnsafePointer<T>?
    let relu: Bool

    // out and residual are (rows, stride) with `columns` of each row taken, at element `offset` of the output
    /// Applies the epilogue to a block of rows.
    func apply(_ out: UnsafeMutablePointer<T>, rows: Int, columns: Int, stride: Int, offset: Int) {
        for i in 0..<rows {
            let y = out + i * stride
            if let residual {
                let r = residual + offset + i * stride
                if relu {
                    for j in 0..<columns { y[j] = max(y[j] + r[j], 0) }
                } else {
                    for j in 0..<columns { y[j] = y[j] + r[j] }
                }
            } else if relu {
                for j in 0..<columns { y[j] = max(y[j], 0) }
            }
        }
    }
}

/// ``conv2dForward(_:weight:bias:options:)`` in NHWC with the fast algorithm, a weight packed at
/// load and an epilogue; returns the output only (an inference engine keeps no cache).
///
/// - Throws: ``ConvKitError`` as ``conv2dForward(_:weight:bias:options:)``, and when the options
///   are not NHWC and fast, the groups differ from the packed weight's or the residual is not
///   shaped like the output.
@_specialize(where T == Float)
package func conv2dForwardPrepacked<T: ConvKitFloat>(
    _ input: Tensor<T>, weight: Conv2DPackedWeight<T>, bias: Tensor<T>?, options: Conv2DOptions, epilogue: Conv2DEpilogue<T>
) throws -> Tensor<T> {
    let function = "conv2dForwardPrepacked"
    guard options.layout == .nhwc, options.algorithm == .fast, options.groups == weight.groups else {
        throw ConvKitError(function, "options must be NHWC and fast with the packed weight's \(weight.groups) groups")
    }
    let geometry = try Conv2DGeometry(
        inputShape: input.shape, weightShape: weight.shape, biasShape: bias?.shape, options: options,
        elementBytes: MemoryLayout<T>.stride, function: function)
    let shape = geometry.outputShape(.nhwc)
    if let residual = epilogue.residual, residual.shape != shape {
        throw ConvKitError(function, "residual \(shapeString(residual.shape)) is not shaped like the output \(shapeString(shape))")
    }
    let count = shape.reduce(1, *)
    // One policy for the whole call: the one that decided whether the unpacked weight is needed.
    let policy = KernelPolicy.current
    let winograd = WinogradConvolution(forward: geometry, paddingMode: options.paddingMode, algorithm: .fast)
    guard !weight.isWinograd || winograd != nil || geometry.batch == 0 else {
        throw ConvKitError(function, "the weight was transformed for Winograd, which these options (\(geometry.kernelHeight) × \(geometry.kernelWidth), stride \(geometry.stride), dilation \(geometry.dilation)) do not choose")
    }
    if let winograd {
        return Tensor(uncheckedShape: shape, scalars: [T](unsafeUninitializedCapacity: count) { out, initialized in
            input.scalars.withUnsafeBufferPointer { x in
                withUnsafeBufferPointer(to: bias?.scalars) { b in
                    withUnsafeBufferPointer(to: epilogue.residual?.scalars) { r in
                        guard let x = x.baseAddress, let out = out.baseAddress else { return }
                        let threads = geometry.threads(options.threads)
                        if weight.isWinograd {
                            weight.withTransformed(for: policy) { u in
                                winograd.run(x: x, weight: nil, transformed: u, bias: b?.baseAddress, out: out, threads: threads, policy: policy)
                            }
                        } else {
                            // Panels packed without Winograd in mind: the weight read back, transformed now.
                            weight.weight().scalars.withUnsafeBufferPointer { w in
                                winograd.run(x: x, weight: w.baseAddress, bias: b?.baseAddress, out: out, threads: threads, policy: policy)
                            }
                        }
                        let run = Conv2DEpilogueRun(residual: r?.baseAddress, relu: epilogue.relu)
                        let pixels = geometry.outputHeight * geometry.outputWidth * geometry.outputChannels
                        if epilogue.residual != nil || epilogue.relu {
                            ThreadPool.shared.parallelFor(geometry.batch, threads: threads) { n, _ in
                                run.apply(out + n * pixels, rows: 1, columns: pixels, stride: pixels, offset: n * pixels)
                            }
                        }
                    }
                }
            }
            initialized = count
        })
    }
    let unpacked = geometry.batch > 0 && weight.needsWeight(policy) ? weight.weight().scalars : []
    let out = [T](unsafeUninitializedCapacity: count) { out, initialized in
        input.scalars.withUnsafeBufferPointer { x in
            unpacked.withUnsafeBufferPointer { w in
                withUnsafeBufferPointer(to: bias?.scalars) { b in
                    withUnsafeBufferPointer(to: epilogue.residual?.scalars) { r in
                        guard geometry.batch > 0 else { return }
                        let run = Conv2DEpilogueRun(residual: r?.baseAddress, relu: epilogue.relu)
                        conv2dForwardFast(
                            x: x, weight: w, bias: b, out: out, geometry: geometry, paddingMode: options.paddingMode,
                            threads: geometry.threads(options.threads), prepacked: weight,
                            epilogue: epilogue.residual == nil && !epilogue.relu ? nil : run, policy: policy)
                    }
                }
            }
        }
        initialized = count
    }
    return Tensor(uncheckedShape: shape, scalars: out)
}
