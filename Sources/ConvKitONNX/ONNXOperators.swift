import ConvKitCore
import Foundation

/// The operators ConvKit runs, by ONNX name. Each takes the node's call and returns its outputs
/// in order (`nil` for an optional output it does not produce).
enum ONNXOperators {
    typealias Operation = @Sendable (ONNXCall) throws -> [NPYArray?]

    static let table: [String: Operation] = [
        // Convolutions and pooling (ONNXOperators+Conv.swift).
        "Conv": conv, "ConvTranspose": convTranspose, "MaxPool": maxPool, "AveragePool": averagePool,
        "GlobalAveragePool": globalAveragePool, "GlobalMaxPool": globalMaxPool,
        "BatchNormalization": batchNormalization, "LRN": lrn,
        // Element by element (ONNXOperators+Elementwise.swift).
        "Relu": { try unary($0) { max($0, 0) } }, "Sigmoid": { try unary($0) { 1 / (1 + exp(-$0)) } },
        "LeakyRelu": leakyRelu, "Clip": clip, "Softmax": softmax,
        "Add": { try binary($0, +, &+) }, "Sub": { try binary($0, -, &-) }, "Mul": { try binary($0, *, &*) }, "Div": divide,
        "Sum": sum, "Identity": { [try $0.input(0)] }, "Dropout": dropout, "Cast": cast,
        // Matrix products (ONNXOperators+Linear.swift).
        "Gemm": gemm, "MatMul": matMul,
        // Shapes and indexing (ONNXOperators+Shape.swift, +Indexing.swift).
        "Flatten": flatten, "Reshape": reshape, "Transpose": transpose, "Squeeze": squeeze, "Unsqueeze": unsqueeze,
        "Shape": shape, "Concat": concat, "Split": split, "Slice": slice, "Gather": gather,
        "Constant": constant, "ConstantOfShape": constantOfShape, "Pad": pad, "ReduceMean": reduceMean,
    ]
}

extension ONNXOperators {
    /// Operators that run on an NHWC input 0 and give an NHWC output 0 when the graph asks
    /// (``ONNXCall/layout``).
    static let nhwcOperators: Set<String> = [
        "Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "BatchNormalization",
    ]

    /// Element-by-element operators, indifferent to the layout of same-shaped inputs.
    static let layoutFree: Set<String> = ["Relu", "LeakyRelu", "Sigmoid", "Clip", "Identity", "Dropout", "Add", "Sub", "Mul", "Div", "Sum"]
}

/// Flat-index arithmetic over row-major shapes.
enum ONNXShapes {
    /// Checks the rule every value in a graph keeps: no negative dimension, and the product of
    /// the dimensions that are not 0 fits in `Int`, so that any product of some of a tensor's
    /// dimensions can be formed without overflow (an empty tensor may not hide a huge one).
    static func validate(_ shape: [Int], what: @autoclosure () -> String, in function: String) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else { throw ConvKitError(function, "\(what()) has a negative dimension in \(shape)") }
        _ = try Checked.product(shape.filter { $0 != 0 }, what: "\(what()) of shape \(shape)", in: function)
    }

    static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        for axis in shape.indices.dropLast().reversed() { strides[axis] = strides[axis + 1] * shape[axis + 1] }
        return strides
    }

    /// numpy's broadcast of two shapes, or `nil` when they do not broadcast.
    static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        let (pa, pb) = ([Int](repeating: 1, count: rank - a.count) + a, [Int](repeating: 1, count: rank - b.count) + b)
        var out: [Int] = []
        for (x, y) in zip(pa, pb) {
            guard x == y || x == 1 || y == 1 else { return nil }
            out.append(x == 1 ? y : x)
        }
        return out
    }

    /// For each element of `out` (row-major), the flat index of the element of a tensor of
    /// `shape` that broadcasts to it.
    static func broadcastOffsets(_ shape: [Int], to out: [Int]) -> [Int] {
        let padded = [Int](repeating: 1, count: out.count - shape.count) + shape
        let sourceStrides = strides(padded).enumerated().map { padded[$0.offset] == 1 ? 0 : $0.element }
        let count = out.reduce(1, *)
        var offsets = [Int](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: out.count)
        var offset = 0
        for i in 0..<count {
            offsets[i] = offset
            // Advance the multi-index like an odometer, keeping the source offset in step.
            var axis = out.count - 1
            while axis >= 0 {
                index[axis] += 1
                offset += sourceStrides[axis]
                if index[axis] < out[axis] { break }
                offset -= sourceStrides[axis] * index[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return offsets
    }
}
