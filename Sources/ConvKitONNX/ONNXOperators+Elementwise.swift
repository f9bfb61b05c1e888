import ConvKitCore
import Foundation

extension ONNXOperators {
    /// `f` on every element of float input 0.
    static func unary(_ call: ONNXCall, _ f: (Float) -> Float) throws -> [NPYArray?] {
        [.float32(mapped(try call.float(0), threads: call.threads, f))]
    }

    /// `f` on every element, in place of a copy (Tensor.map is generic across modules, and
    /// moved every element through value witnesses: a third of ResNet-50's time).
    static func mapped(_ x: Tensor<Float>, threads: Int? = nil, _ f: (Float) -> Float) -> Tensor<Float> {
        var scalars = x.scalars
        scalars.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            inBlocks(buffer.count, threads: threads) { range in
                for i in range { base[i] = f(base[i]) }
            }
        }
        return Tensor(uncheckedShape: x.shape, scalars: scalars)
    }

    /// `body` over `0..<count` in blocks of 64K elements, in parallel (each element's result does
    /// not depend on the split).
    static func inBlocks(_ count: Int, threads: Int?, _ body: (Range<Int>) -> Void) {
        let block = 1 << 16
        let blocks = (count + block - 1) / block
        ThreadPool.shared.parallelFor(blocks, threads: min(blocks, max(1, threads ?? ConvKitRuntime.threads))) { b, _ in
            body((b * block)..<min(count, (b + 1) * block))
        }
    }

    static func leakyRelu(_ call: ONNXCall) throws -> [NPYArray?] {
        let alpha = try call.float("alpha", default: 0.01)
        return try unary(call) { $0 < 0 ? alpha * $0 : $0 }
    }

    /// Clip: bounds from attributes before opset 11, from optional inputs after.
    static func clip(_ call: ONNXCall) throws -> [NPYArray?] {
        var (low, high) = (-Float.infinity, Float.infinity)
        if call.opset < 11 {
            (low, high) = (try call.float("min", default: low), try call.float("max", default: high))
        } else {
            for (index, bound) in [(1, "min"), (2, "max")] {
                guard let value = call.optionalInput(index) else { continue }
                guard case .float32(let tensor) = value, tensor.count == 1 else {
                    throw call.error("\(bound) must be a float32 scalar, got \(value.dtype) of shape \(value.shape)")
                }
                if index == 1 { low = tensor.scalars[0] } else { high = tensor.scalars[0] }
            }
        }
        // NaN stays NaN, as in numpy.clip and ONNX Runtime.
        return try unary(call) { $0.isNaN ? $0 : Swift.min(Swift.max($0, low), high) }
    }

    /// Softmax: before opset 13 over the input flattened to 2-D at `axis` (default 1); from 13
    /// along `axis` alone (default -1).
    static func softmax(_ call: ONNXCall) throws -> [NPYArray?] {
        let x = try call.float(0)
        let axis = try call.axis(try call.int("axis", default: call.opset < 13 ? 1 : -1), rank: max(x.rank, 1))
        let shape = x.shape.isEmpty ? [1] : x.shape
        let (outer, length, inner) = call.opset < 13
            ? (shape[..<axis].reduce(1, *), shape[axis...].reduce(1, *), 1)
            : (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
        var y = x.scalars
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * length * inner + i
                var largest = -Float.infinity
                for j in 0..<length { largest = max(largest, y[base + j * inner]) }
                var total: Float = 0
                for j in 0..<length {
                    y[base + j * inner] = exp(y[base + j * inner] - largest)
                    total += y[base + j * inner]
                }
                for j in 0..<length { y[base + j * inner] /= total }
            }
        }
        return [.float32(try Tensor(shape: x.shape, scalars: y))]
    }

    /// Add, Sub and Mul with numpy broadcasting, on float32 or int64. Before opset 7, B
    /// broadcasts only with `broadcast = 1`, its axes matched to A's from `axis` on.
    static func binary(
        _ call: ONNXCall, _ floats: (Float, Float) -> Float, _ integers: (Int64, Int64) -> Int64
    ) throws -> [NPYArray?] {
        let a = try call.input(0)
        var b = try call.input(1)
        if call.opset < 7, a.shape != b.shape {
            guard try call.int("broadcast", default: 0) == 1 else {
                throw call.error("shapes \(a.shape) and \(b.shape) differ and broadcast is not set")
            }
            let axis = try call.int("axis", default: a.shape.count - b.shape.count)
            guard axis >= 0, axis + b.shape.count <= a.shape.count else {
                throw call.error("B of shape \(b.shape) does not fit A \(a.shape) from axis \(axis)")
            }
            b = b.reshaped(b.shape + [Int](repeating: 1, count: a.shape.count - axis - b.shape.count))
        }
        switch (a, b) {
        case (.float32(let a), .float32(let b)): return [.float32(try broadcast(call, a, b, floats))]
        case (.int64(let a), .int64(let b)): return [.int64(try broadcast(call, a, b, integers))]
        case (let a, let b): throw call.unsupported("inputs of types \(a.dtype) and \(b.dtype) (two float32 or two int64 are)")
        }
    }

    /// Div: integer division truncates (`Int64.min / -1` wraps instead of trapping), and a zero
    /// divisor is refused.
    static func divide(_ call: ONNXCall) throws -> [NPYArray?] {
        if case .int64(let b) = try call.input(1), b.scalars.contains(0) {
            throw call.error("integer division by zero")
        }
        return try binary(call, /) { $0.dividedReportingOverflow(by: $1).partialValue }
    }

    /// Sum of any number of float32 inputs, broadcast together, added in input order.
    static func sum(_ call: ONNXCall) throws -> [NPYArray?] {
        var total = try call.float(0)
        for index in 1..<max(1, call.inputs.count) { total = try broadcast(call, total, try call.float(index), +) }
        return [.float32(total)]
    }

    /// Dropout at inference: the input, and an all-true mask when asked for.
    static func dropout(_ call: ONNXCall) throws -> [NPYArray?] {
        let x = try call.input(0)
        let isTest = try call.int("is_test", default: 0)
        guard call.opset >= 7 || isTest == 1 else { throw call.unsupported("is_test 0 (training)") }
        if call.opset >= 12, let training = call.optionalInput(2), case .bool(let flag) = training, flag.scalars.contains(true) {
            throw call.unsupported("training mode")
        }
        return [x, .bool(Tensor(uncheckedShape: x.shape, scalars: [Bool](repeating: true, count: x.shape.reduce(1, *))))]
    }

    /// Cast to float, double, int32, int64, uint8 or bool (numpy's `astype`: floats truncate).
    static func cast(_ call: ONNXCall) throws -> [NPYArray?] {
        let x = try call.input(0)
        let floats = x.floats(Double.self)
        func integers<T: FixedWidthInteger & NPYScalar>(_ type: T.Type) throws -> Tensor<T> {
            try floats.map { value in
                guard value.isFinite, let exact = T(exactly: value.rounded(.towardZero)) else {
                    throw call.error("\(value) does not fit \(T.self)")
                }
                return exact
            }
        }
        switch try call.int("to", default: -1) {
        case 1: return [.float32(x.floats(Float.self))]
        case 11: return [.float64(floats)]
        case 6: return [.int32(try integers(Int32.self))]
        case 7:
            if case .int64 = x { return [x] }
            return [.int64(try integers(Int64.self))]
        case 2: return [.uint8(try integers(UInt8.self))]
        case 9: return [.bool(floats.map { $0 != 0 })]
        case let to: throw call.unsupported("Cast to data type \(to)")
        }
    }

    /// `op(a, b)` with numpy broadcasting.
    static func broadcast<A: Sendable, R: Sendable>(
        _ call: ONNXCall, _ a: Tensor<A>, _ b: Tensor<A>, _ op: (A, A) -> R
    ) throws -> Tensor<R> {
        if a.shape == b.shape {
            let scalars = [R](unsafeUninitializedCapacity: a.count) { out, initialized in
                a.scalars.withUnsafeBufferPointer { a in
                    b.scalars.withUnsafeBufferPointer { b in
                        guard let out = out.baseAddress else { return }
                        inBlocks(a.count, threads: call.threads) { range in
                            for i in range { (out + i).initialize(to: op(a[i], b[i])) }
                        }
                    }
                }
                initialized = a.count
            }
            return Tensor(uncheckedShape: a.shape, scalars: scalars)
        }
        guard let shape = ONNXShapes.broadcast(a.shape, b.shape) else {
            throw call.error("shapes \(a.shape) and \(b.shape) do not broadcast")
        }
        let count = try checkedCount(call, shape)
        let (ia, ib) = (ONNXShapes.broadcastOffsets(a.shape, to: shape), ONNXShapes.broadcastOffsets(b.shape, to: shape))
        return Tensor(uncheckedShape: shape, scalars: (0..<count).map { op(a.scalars[ia[$0]], b.scalars[ib[$0]]) })
    }
}
