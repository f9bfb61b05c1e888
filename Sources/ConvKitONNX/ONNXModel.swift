import ConvKitCore
import Foundation
import SwiftProtobuf

/// An ONNX model (a `.onnx` file) that ConvKit can run: its graph checked against the operators
/// ConvKit implements when it is loaded, so that an unsupported operator, attribute or data type
/// is an error naming the node, never a wrong answer.
///
/// ```swift
/// let model = try ONNXModel(contentsOf: URL(fileURLWithPath: "resnet.onnx"))
/// let outputs = try model.run([model.inputNames[0]: .float32(image)])
/// ```
///
/// Operators of the default domain, opsets 6 and later, on float32 data (int64 and bool where
/// shapes and indices flow): see ``supportedOperators``.
public struct ONNXModel: Sendable {
    /// The graph's inputs that the caller provides (inputs with an initializer are left out).
    public let inputNames: [String]
    /// The graph's outputs, in order.
    public let outputNames: [String]
    /// The declared shape of each input (``inputNames``): a size per axis, `nil` where the
    /// model leaves it open (a symbolic batch) or declares nothing.
    public let inputShapes: [String: [Int?]]
    /// The version of the default operator set the model was written for.
    public let opsetVersion: Int
    /// The graph, checked.
    let graph: ONNXGraph

    /// The operators ConvKit runs.
    public static var supportedOperators: [String] { ONNXOperators.table.keys.sorted() }

    /// Reads and checks a model file, and prepares it to run with `optimization`.
    ///
    /// - Throws: ``ConvKitError`` when the file cannot be read or parsed, holds external data,
    ///   or uses an operator, attribute or data type ConvKit does not support.
    public init(contentsOf url: URL, optimization: ONNXGraphOptimization = .all) throws {
        // The file's bytes are freed once parsed, before the weights are converted and packed.
        let proto = try Self.parse(FileInput.read(url, function: "ONNXModel", role: "ONNX model"), source: url.path)
        try self.init(proto, source: url.path, optimization: optimization)
    }

    /// Parses and checks a model from its bytes; `source` names it in errors.
    public init(data: Data, source: String = "data", optimization: ONNXGraphOptimization = .all) throws {
        try self.init(Self.parse(data, source: source), source: source, optimization: optimization)
    }

    private static func parse(_ data: Data, source: String) throws -> Onnx_ModelProto {
        do {
            return try Onnx_ModelProto(serializedBytes: data)
        } catch {
            throw ConvKitError("ONNXModel", "\(source) is not an ONNX model: \(error)")
        }
    }

    /// Takes the parsed model, so that its weights' bytes are freed one initializer at a time as
    /// they are converted and packed (``ONNXGraph/init(_:opset:source:)``).
    private init(_ proto: consuming Onnx_ModelProto, source: String, optimization: ONNXGraphOptimization) throws {
        let function = "ONNXModel"
        let defaultDomain = proto.opsetImport.first { $0.domain == "" || $0.domain == "ai.onnx" }
        guard let version = defaultDomain?.version else {
            throw ConvKitError(function, "\(source) imports no version of the default operator set")
        }
        for other in proto.opsetImport where !(other.domain == "" || other.domain == "ai.onnx") {
            if proto.graph.node.contains(where: { $0.domain == other.domain }) {
                throw ConvKitError(function, "\(source) uses operators of the domain '\(other.domain)', which ConvKit does not implement")
            }
        }
        guard version >= 6 else {
            throw ConvKitError(function, "\(source) is written for opset \(version), which is not supported (6 and later are)")
        }
        opsetVersion = Int(version)
        outputNames = proto.graph.output.map(\.name)
        // The graph alone from here on: the model's other fields no longer hold its weights.
        var graphProto = proto.graph
        proto = Onnx_ModelProto()
        if optimization == .all { graphProto = try ONNXGraph.foldingBatchNormalization(graphProto, source: source) }
        let initialized = Set(graphProto.initializer.map(\.name))
        inputNames = graphProto.input.map(\.name).filter { !initialized.contains($0) }
        inputShapes = Dictionary(graphProto.input.map { input in
            (input.name, input.type.tensorType.shape.dim.map { dimension -> Int? in
                if case .dimValue(let size) = dimension.value, size >= 0 { return Int(exactly: size) }
                return nil
            })
        }, uniquingKeysWith: { first, _ in first })
        graph = try ONNXGraph(consume graphProto, opset: opsetVersion, source: source)
    }

    /// Runs the graph on `inputs` (one array per name of ``inputNames``) and returns every output.
    ///
    /// - Throws: ``ConvKitError`` for a missing or extra input, or an operator that rejects its
    ///   inputs' shapes or types (naming the node).
    public func run(_ inputs: [String: NPYArray], threads: Int? = nil) throws -> [String: NPYArray] {
        let function = "ONNXModel.run"
        for name in inputNames where inputs[name] == nil {
            throw ConvKitError(function, "input '\(name)' is missing (the model takes \(inputNames.joined(separator: ", ")))")
        }
        for name in inputs.keys where !inputNames.contains(name) {
            throw ConvKitError(function, "the model has no input '\(name)' (it takes \(inputNames.joined(separator: ", ")))")
        }
        return try graph.run(inputs, outputs: outputNames, threads: threads)
    }
}

/// How much ``ONNXModel`` rewrites a graph before it runs it (ONNX Runtime's graph optimisation
/// levels). Every level converts and packs the convolution weights once, runs convolutions and
/// what follows them in NHWC, and fuses a Conv with the Add and Relu after it.
public enum ONNXGraphOptimization: Sendable {
    /// Only rewrites that keep every result bit for bit the unoptimised graph's.
    case exact
    /// Also BatchNormalization folded into the Conv before it (its scale into the weight, its
    /// shift into the bias), as ONNX Runtime does by default: results change by rounding.
    case all
}
