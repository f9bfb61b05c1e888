/// Which convolutions the fast path computes on NCHW planes, nothing converted whole: the paths
/// their NHWC passes take, reading and writing planes, with NHWC's sums bit for bit. The others
/// convert their operands to NHWC and the result back.

/// How the fast path computes an NCHW forward pass on the planes, where it can.
enum NCHWForward {
    /// ``conv2dForwardPointwiseNCHW(x:weight:bias:out:geometry:threads:policy:)``: a pointwise
    /// convolution that NHWC computes with the implicit GEMM (not the small-channel kernels),
    /// and no bias of −0, which a chain starting at +0 would not keep.
    case pointwise
    /// ``WinogradConvolution/run(x:weight:transformed:bias:out:layout:threads:policy:)``, its
    /// blocks' rows through scratch, where ``WinogradConvolution/stagesRows(_:)``.
    case winograd(WinogradConvolution)
    /// ``conv2dForwardSmallChannels(x:weight:bias:out:outputLayout:plan:threads:)``, its bands
    /// packed from x's planes.
    case smallChannels(SmallChannelPlan)
    /// ``conv2dForwardFast(x:weight:bias:out:outputLayout:geometry:paddingMode:threads:prepacked:epilogue:policy:algorithm:inputLayout:)``'s
    /// implicit GEMM with zero padding, each block's input rows and result through scratch.
    case implicitGEMM

    init?<T: ConvKitFloat>(_ g: Conv2DGeometry, bias: [T]?, paddingMode: PaddingMode, algorithm: ConvAlgorithm) {
        if let winograd = WinogradConvolution(forward: g, paddingMode: paddingMode, algorithm: algorithm) {
            guard winograd.stagesRows(T.self) else { return nil }
            self = .winograd(winograd)
        } else if let plan = SmallChannelPlan(g, paddingMode: paddingMode, scalar: T.self, policy: .current, inputLayout: .nchw) {
            self = .smallChannels(plan)
        } else if g.isPointwise, !(bias ?? []).contains(where: { $0 == 0 && $0.sign == .minus }) {
            self = .pointwise
        } else if paddingMode == .zeros {
            self = .implicitGEMM
        } else {
            return nil
        }
    }
}

/// How the fast path computes an NCHW input gradient from dy's planes, where it can.
enum NCHWBackwardData {
    /// ``conv2dBackwardDataPointwiseNCHW(dy:weight:dx:geometry:threads:policy:)``: a pointwise
    /// convolution whose NHWC gradient is the indirect GEMM (more than four input channels per group).
    case pointwise
    /// ``conv2dBackwardDataSmallChannels(dy:weight:dx:plan:threads:layout:)`` (zero padding).
    case smallChannels(SmallChannelPlan)
    /// ``conv2dBackwardDataWinograd(dy:weight:dx:winograd:layout:threads:policy:)``, where
    /// ``WinogradConvolution/stagesRows(_:)``.
    case winograd(WinogradConvolution)
    /// ``conv2dBackwardDataImages(dy:weight:dx:geometry:threads:policy:)``: the implicit GEMM
    /// with zero padding, an image at a time through scratch.
    case implicitGEMM

    init?<T: ConvKitFloat>(_ g: Conv2DGeometry, paddingMode: PaddingMode, algorithm: ConvAlgorithm, scalar: T.Type) {
        if let winograd = WinogradConvolution(backwardData: g, paddingMode: paddingMode, algorithm: algorithm) {
            guard winograd.stagesRows(T.self) else { return nil }
            self = .winograd(winograd)
            return
        }
        let plan = SmallChannelPlan(g, paddingMode: paddingMode, scalar: T.self, policy: .current)
        if paddingMode == .zeros, let plan {
            self = .smallChannels(plan)
        } else if g.isPointwise, g.inputChannelsPerGroup > 4, plan == nil {
            self = .pointwise
        } else if paddingMode == .zeros {
            self = .implicitGEMM
        } else {
            return nil
        }
    }
}
