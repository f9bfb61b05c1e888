import ConvKitCore
import ConvKitNN
import Foundation

extension ONNXOperators {
    /// The 2-d window attributes shared by Conv, ConvTranspose and the pools.
    struct Window {
        var kernel: Size2D
        var stride: Size2D
        var dilation: Size2D
        var padding: Padding

        /// Reads `kernel_shape` (or `kernel` when the operator infers it), `strides`, `dilations`,
        /// `auto_pad` and `pads` (`[top, left, bottom, right]`).
        /// A 1-d window (`spatialAxes` 1) is the 2-d window of height 1 over rows of width L.
        init(_ call: ONNXCall, kernel inferred: Size2D?, spatialAxes: Int = 2) throws {
            func list(_ name: String) throws -> [Int]? {
                guard let list = try call.ints(name) else { return nil }
                guard list.count == spatialAxes else {
                    throw call.unsupported("\(name) \(list) for \(spatialAxes) spatial axes (1-d and 2-d windows are)")
                }
                return spatialAxes == 1 ? [1, list[0]] : list
            }
            func pair(_ name: String, default value: Int) throws -> Size2D {
                guard let list = try list(name) else { return Size2D(height: value, width: value) }
                return Size2D(height: list[0], width: list[1])
            }
            if let list = try list("kernel_shape") {
                kernel = Size2D(height: list[0], width: list[1])
            } else if let inferred {
                kernel = inferred
            } else {
                throw call.error("attribute kernel_shape is missing")
            }
            stride = try pair("strides", default: 1)
            dilation = try pair("dilations", default: 1)
            switch try call.string("auto_pad", default: "NOTSET") {
            case "NOTSET":
                var pads = try call.ints("pads") ?? [Int](repeating: 0, count: 2 * spatialAxes)
                guard pads.count == 2 * spatialAxes else { throw call.unsupported("pads \(pads) for \(spatialAxes) spatial axes") }
                if spatialAxes == 1 { pads = [0, pads[0], 0, pads[1]] }
                padding = .explicit(top: pads[0], bottom: pads[2], left: pads[1], right: pads[3])
            case "SAME_UPPER": padding = .same
            case "SAME_LOWER": padding = .sameLower
            case "VALID": padding = .valid
            case let other: throw call.unsupported("auto_pad \(other)")
            }
        }
    }

    /// Input `index` as a 4-d float32 tensor: a 1-d signal `[N, C, L]` becomes `[N, C, 1, L]`
    /// (2-d convolutions and pools do the work; 3-d ones are not implemented).
    static func image(_ call: ONNXCall, _ index: Int = 0) throws -> Tensor<Float> {
        let x = try call.float(index)
        switch x.rank {
        case 4: return x
        case 3: return Tensor(uncheckedShape: [x.shape[0], x.shape[1], 1, x.shape[2]], scalars: x.scalars)
        default: throw call.unsupported("an input of rank \(x.rank) (1-d and 2-d images, rank 3 and 4, are)")
        }
    }

    /// `y` back in the rank of input 0 (a 1-d signal loses the height of 1 it was given).
    static func restored(_ call: ONNXCall, _ y: Tensor<Float>) throws -> NPYArray {
        guard try call.input(0).shape.count == 3 else { return .float32(y) }
        return .float32(Tensor(uncheckedShape: [y.shape[0], y.shape[1], y.shape[3]], scalars: y.scalars))
    }

    /// The number of spatial axes of input 0: 1 for `[N, C, L]`, 2 for `[N, C, H, W]`.
    static func spatialAxes(_ call: ONNXCall) throws -> Int { try call.input(0).shape.count == 3 ? 1 : 2 }

    /// Conv, in NCHW or (with the weight converted and packed at load, and the epilogue of the
    /// nodes it absorbed) in NHWC.
    static func conv(_ call: ONNXCall) throws -> [NPYArray?] {
        let (x, options, _) = try convArguments(call)
        let bias = call.optionalInput(2) == nil ? nil : try call.float(2)
        if let packed = call.packedWeight, call.layout == .nhwc {
            return [try restored(call, try conv2dForwardPrepacked(x, weight: packed, bias: bias, options: options, epilogue: call.epilogue))]
        }
        return [try restored(call, try conv2dForward(x, weight: try image(call, 1), bias: bias, options: options).output)]
    }

    /// The shape a Conv in NHWC will give, `[N, P, Q, K]`.
    static func convOutputShapeNHWC(_ call: ONNXCall) throws -> [Int] {
        let (x, options, weightShape) = try convArguments(call)
        return try Conv2DGeometry(
            inputShape: x.shape, weightShape: weightShape, biasShape: nil, options: options, elementBytes: 4,
            function: "ONNX \(call.node.label)").outputShape(.nhwc)
    }

    /// A Conv's input, options and weight shape (in the call's layout).
    private static func convArguments(_ call: ONNXCall) throws -> (Tensor<Float>, Conv2DOptions, [Int]) {
        let x = try image(call)
        let shape = try call.layout == .nhwc ? call.packedWeight?.shape ?? [] : image(call, 1).shape
        guard shape.count == 4 else { throw call.error("weight of shape \(shape): expected rank 3 or 4") }
        let kernel = call.layout == .nhwc ? Size2D(height: shape[0], width: shape[1]) : Size2D(height: shape[2], width: shape[3])
        let window = try Window(call, kernel: kernel, spatialAxes: try spatialAxes(call))
        guard window.kernel == kernel else {
            throw call.error("kernel_shape \(window.kernel) differs from the weight's \(shape)")
        }
        let options = Conv2DOptions(
            stride: window.stride, padding: window.padding, dilation: window.dilation, groups: try call.int("group", default: 1),
            layout: call.layout, threads: call.threads)
        return (x, options, shape)
    }

    static func convTranspose(_ call: ONNXCall) throws -> [NPYArray?] {
        let (x, w, axes) = (try image(call), try image(call, 1), try spatialAxes(call))
        var window = try Window(call, kernel: Size2D(height: w.shape[2], width: w.shape[3]), spatialAxes: axes)
        var outputPadding = try call.ints("output_padding") ?? [Int](repeating: 0, count: axes)
        guard outputPadding.count == axes else { throw call.unsupported("output_padding \(outputPadding)") }
        if axes == 1 { outputPadding = [0, outputPadding[0]] }
        let autoPad = try call.string("auto_pad", default: "NOTSET")
        // An output shape (given, or the input times the stride for SAME) sets the pads: the
        // total is what the full output exceeds it by, split as the operator's definition says.
        var outputShape = try call.ints("output_shape")
        let function = "ONNX \(call.node.label)"
        if outputShape == nil, autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER" {
            outputShape = [try Checked.product(x.shape[2], window.stride.height, what: "the output height", in: function),
                           try Checked.product(x.shape[3], window.stride.width, what: "the output width", in: function)]
        }
        if var target = outputShape {
            if target.count == axes + 2 { target = Array(target[2...]) }
            guard target.count == axes else { throw call.unsupported("output_shape \(target)") }
            if axes == 1 { target = [1, target[0]] }
            var pads: [Int] = []
            for (axis, size) in [(0, x.shape[2]), (1, x.shape[3])] {
                let (stride, dilation, kernel) = axis == 0
                    ? (window.stride.height, window.dilation.height, window.kernel.height)
                    : (window.stride.width, window.dilation.width, window.kernel.width)
                let what = "the padding output_shape implies"
                let full = try Checked.sum(
                    try Checked.product(stride, size - 1, what: what, in: function), outputPadding[axis],
                    try Checked.product(kernel - 1, dilation, what: what, in: function), 1, what: what, in: function)
                let total = try Checked.difference(full, target[axis], what: what, in: function)
                // The definition halves with floor division; a negative end pad (an output one
                // row longer than the full one) is output padding.
                let half = total >= 0 ? total / 2 : -((-total + 1) / 2)
                var (begin, end) = autoPad == "SAME_UPPER" ? (half, total - half) : (total - half, half)
                if end < 0 { (outputPadding[axis], end) = (try Checked.difference(outputPadding[axis], end, what: what, in: function), 0) }
                guard begin >= 0 else { throw call.unsupported("output_shape \(target), larger than the full output") }
                pads += [begin, end]
            }
            window.padding = .explicit(top: pads[0], bottom: pads[1], left: pads[2], right: pads[3])
        }
        let options = Conv2DOptions(
            stride: window.stride, padding: window.padding, dilation: window.dilation, groups: try call.int("group", default: 1),
            layout: .nchw, threads: call.threads)
        let bias = call.optionalInput(2) == nil ? nil : try call.float(2)
        let (y, _) = try conv2dTransposeForward(
            x, weight: w, bias: bias, options: options, outputPadding: Size2D(height: outputPadding[0], width: outputPadding[1]))
        return [try restored(call, y)]
    }

    static func maxPool(_ call: ONNXCall) throws -> [NPYArray?] {
        let x = try image(call)
        let window = try Window(call, kernel: nil, spatialAxes: try spatialAxes(call))
        let columnMajor = try call.int("storage_order", default: 0) != 0
        let wantsIndices = call.node.outputs.count > 1 && !call.node.outputs[1].isEmpty
        let options = Pool2DOptions(
            .max, window: window.kernel, stride: window.stride, padding: window.padding, dilation: window.dilation,
            ceilMode: try call.int("ceil_mode", default: 0) != 0, returnIndices: wantsIndices, layout: call.layout, threads: call.threads)
        guard wantsIndices else { return [try restored(call, try pool2d(x, options: options))] }
        let (y, cache) = try pool2dForward(x, options: options)
        guard let indices = cache.indices else { return [try restored(call, y)] }
        // ONNX counts the index over the whole tensor (the plane column by column with
        // storage_order 1), ConvKit within each (n, c) plane row by row.
        let (h, w) = (x.shape[2], x.shape[3])
        let perPlane = y.shape[2] * y.shape[3]
        let flat = indices.scalars.enumerated().map { position, index in
            Int64(position / perPlane * h * w + (columnMajor ? index % w * h + index / w : index))
        }
        let indexShape = try spatialAxes(call) == 1 ? [y.shape[0], y.shape[1], y.shape[3]] : y.shape
        return [try restored(call, y), .int64(Tensor(uncheckedShape: indexShape, scalars: flat))]
    }

    static func averagePool(_ call: ONNXCall) throws -> [NPYArray?] {
        let x = try image(call)
        let window = try Window(call, kernel: nil, spatialAxes: try spatialAxes(call))
        let options = Pool2DOptions(
            .average, window: window.kernel, stride: window.stride, padding: window.padding, dilation: window.dilation,
            ceilMode: try call.int("ceil_mode", default: 0) != 0,
            countIncludePad: try call.int("count_include_pad", default: 0) != 0, layout: call.layout, threads: call.threads)
        return [try restored(call, try pool2d(x, options: options))]
    }

    static func globalMaxPool(_ call: ONNXCall) throws -> [NPYArray?] {
        var options = Pool2DOptions.global(.max, layout: call.layout)
        options.threads = call.threads
        return [try restored(call, try pool2d(try image(call), options: options))]
    }

    /// The mean of each plane by ConvKit's GlobalAvgPool2D kernel (so that an exported model
    /// gives the same bits), on the NHWC value; `[N, 1, 1, C]` and `[N, C, 1, 1]` share a layout.
    static func globalAveragePool(_ call: ONNXCall) throws -> [NPYArray?] {
        let x = call.layout == .nhwc ? try image(call) : TensorLayout.nchw.activationToNHWC(try image(call))
        let (n, pixels, c) = (x.shape[0], x.shape[1] * x.shape[2], x.shape[3])
        var means = [Float](repeating: 0, count: n * c)
        x.scalars.withUnsafeBufferPointer { x in
            means.withUnsafeMutableBufferPointer { y in
                guard let y = y.baseAddress else { return }
                globalAvgPoolForward(y: y, x: x.baseAddress, batch: n, pixels: pixels, channels: c)
            }
        }
        return [try restored(call, Tensor(uncheckedShape: call.layout == .nhwc ? [n, 1, 1, c] : [n, c, 1, 1], scalars: means))]
    }

    /// Inference batch normalisation over axis 1, `scale · (x − mean) / √(var + ε) + B`, by
    /// ConvKit's BatchNorm2D kernel (so that an exported model gives the same bits): an NHWC
    /// value as it is, any other moved channels-last and back.
    static func batchNormalization(_ call: ONNXCall) throws -> [NPYArray?] {
        let x = try call.float(0)
        guard try call.int("training_mode", default: 0) == 0 else { throw call.unsupported("training_mode 1") }
        let isTest = try call.int("is_test", default: 0)
        guard call.opset >= 7 || isTest == 1 else { throw call.unsupported("is_test 0 (training)") }
        let spatial = try call.int("spatial", default: 1)
        guard call.opset >= 9 || spatial == 1 else { throw call.unsupported("spatial 0") }
        guard x.rank >= 2 else { throw call.error("input of shape \(x.shape): expected rank 2 or more") }
        let epsilon = Double(try call.float("epsilon", default: 1e-5))
        let (scale, bias, mean, variance) = (try call.float(1), try call.float(2), try call.float(3), try call.float(4))
        let nhwc = call.layout == .nhwc
        let channels = nhwc ? x.shape[3] : x.shape[1]
        for (name, tensor) in [("scale", scale), ("B", bias), ("mean", mean), ("var", variance)] where tensor.count != channels {
            throw call.error("\(name) has shape \(tensor.shape) but the input has \(channels) channels")
        }
        guard x.count > 0 else { return [.float32(x)] }
        let toLast = [0] + Array(2..<x.rank) + [1]
        let rows = nhwc ? x : try x.transposed(toLast)
        let rstd = variance.scalars.map { Float(1 / (Double($0) + epsilon).squareRoot()) }
        let y = [Float](unsafeUninitializedCapacity: rows.count) { out, initialized in
            rows.scalars.withUnsafeBufferPointer { x in
                scale.scalars.withUnsafeBufferPointer { gamma in
                    bias.scalars.withUnsafeBufferPointer { beta in
                        guard let out = out.baseAddress else { return }
                        batchNormForward(
                            y: out, x: x.baseAddress, mean: mean.scalars, rstd: rstd, gamma: gamma.baseAddress,
                            beta: beta.baseAddress, m: rows.count / channels, c: channels)
                    }
                }
            }
            initialized = rows.count
        }
        let result = Tensor(uncheckedShape: rows.shape, scalars: y)
        return [.float32(nhwc ? result : try result.transposed([0, x.rank - 1] + Array(1..<(x.rank - 1))))]
    }

    /// Local response normalisation across channels (AlexNet's).
    static func lrn(_ call: ONNXCall) throws -> [NPYArray?] {
        let x = try image(call)
        let size = try call.int("size", default: 0)
        guard size >= 1 else { throw call.error("attribute size must be at least 1, got \(size)") }
        let (alpha, beta, bias) = (try call.float("alpha", default: 1e-4), try call.float("beta", default: 0.75), try call.float("bias", default: 1))
        let (n, c, plane) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
        var y = x.scalars
        for image in 0..<n {
            for channel in 0..<c {
                let low = max(0, channel - (size - 1) / 2), high = min(c - 1, channel + size / 2)
                for pixel in 0..<plane {
                    var squares: Float = 0
                    for other in low...high {
                        let v = x.scalars[(image * c + other) * plane + pixel]
                        squares += v * v
                    }
                    let index = (image * c + channel) * plane + pixel
                    y[index] = x.scalars[index] / pow(bias + alpha / Float(size) * squares, beta)
                }
            }
        }
        return [try restored(call, Tensor(uncheckedShape: x.shape, scalars: y))]
    }
}
