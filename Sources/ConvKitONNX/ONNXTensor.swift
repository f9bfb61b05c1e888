import ConvKitCore
import Foundation

/// Converts ONNX `TensorProto`s (initializers, `Constant` values, test data) to arrays and back.
package enum ONNXTensor {
    /// A float32 tensor as a `TensorProto` named `name`, its data raw and little-endian.
    package static func proto(_ tensor: Tensor<Float>, name: String) -> Onnx_TensorProto {
        var proto = Onnx_TensorProto()
        proto.name = name
        proto.dataType = 1
        proto.dims = tensor.shape.map { Int64($0) }
        var bytes = Data(capacity: tensor.count * 4)
        for value in tensor.scalars { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        proto.rawData = bytes
        return proto
    }

    /// The tensor's values, from `raw_data` (little-endian) or the typed field its type uses.
    ///
    /// - Throws: ``ConvKitError`` naming `what` for external data, an unsupported data type, or
    ///   a size that does not match the dimensions.
    package static func array(_ proto: Onnx_TensorProto, what: String) throws -> NPYArray {
        let function = "ONNXModel"
        guard proto.dataLocation != .external, proto.externalData.isEmpty else {
            throw ConvKitError(function, "\(what): data stored outside the model file is not supported; save the model with its tensors inside")
        }
        guard proto.dims.allSatisfy({ $0 >= 0 && $0 <= Int64(Int.max) }) else {
            throw ConvKitError(function, "\(what): negative dimension in \(proto.dims)")
        }
        let shape = proto.dims.map { Int($0) }
        let count = try Checked.product(shape, what: "\(what)'s elements", in: function)
        func values<T: NPYScalar>(_ type: T.Type, width: Int, typed: [T]) throws -> Tensor<T> {
            try ResourceLimits.check(elements: count, of: width, what: what, in: function)
            if !proto.rawData.isEmpty || typed.isEmpty && count > 0 {
                guard proto.rawData.count == count * width else {
                    throw ConvKitError(function, "\(what): \(proto.rawData.count) bytes of data for \(count) elements of \(width) bytes (dims \(shape))")
                }
                #if _endian(little)
                // Numbers are stored as the host stores them: one copy (a ResNet-50's 100 MB of
                // weights element by element took a tenth of a second). Bool keeps the check below.
                if T.self != Bool.self {
                    let scalars = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                        initialized = proto.rawData.copyBytes(to: buffer) / width
                    }
                    return Tensor(uncheckedShape: shape, scalars: scalars)
                }
                #endif
                let scalars = proto.rawData.withUnsafeBytes { buffer in (0..<count).map { T.npyLoad(from: buffer, at: $0 * width) } }
                return Tensor(uncheckedShape: shape, scalars: scalars)
            }
            guard typed.count == count else {
                throw ConvKitError(function, "\(what): \(typed.count) values for dims \(shape) (\(count) elements)")
            }
            return Tensor(uncheckedShape: shape, scalars: typed)
        }
        switch proto.dataType {
        case 1: return .float32(try values(Float.self, width: 4, typed: proto.floatData))
        case 2: return .uint8(try values(UInt8.self, width: 1, typed: proto.int32Data.map { UInt8(truncatingIfNeeded: $0) }))
        case 6: return .int32(try values(Int32.self, width: 4, typed: proto.int32Data))
        case 7: return .int64(try values(Int64.self, width: 8, typed: proto.int64Data))
        case 9: return .bool(try values(Bool.self, width: 1, typed: proto.int32Data.map { $0 != 0 }))
        case 11: return .float64(try values(Double.self, width: 8, typed: proto.doubleData))
        default:
            let name = Onnx_TensorProto.DataType(rawValue: Int(proto.dataType)).map { "\($0)" } ?? "\(proto.dataType)"
            throw ConvKitError(function, "\(what): data type \(name) is not supported (float, double, int32, int64, uint8 and bool are)")
        }
    }
}
