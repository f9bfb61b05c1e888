import ConvKitCore
import ConvKitFormats
import Foundation

extension Sequential {
    /// The model as PyTorch source: a `model.py` whose `build()` returns an `nn.Sequential` with
    /// one module per layer, taking NCHW input `[N, C, H, W]`, and whose `load(directory)` builds
    /// it and loads `state_dict.safetensors` from that directory (with the `safetensors` package,
    /// or a small reader of its own where that is not installed).
    ///
    /// Modules: `nn.Conv2d` (padding that is not the same on both sides goes through
    /// `F.pad` in a `PaddedConv2d`), `nn.MaxPool2d`, `nn.AvgPool2d`, `GlobalAvgPool2d` (the mean
    /// over H and W, flattened), `nn.ReLU`, `nn.LeakyReLU`, `nn.Flatten`, `nn.Linear`,
    /// `nn.Dropout`, `nn.BatchNorm2d` (ConvKit's momentum is PyTorch's).
    public func torchModule() throws -> String {
        var modules: [String] = []
        for (index, layer) in layers.enumerated() {
            let module: String
            switch layer.spec {
            case let .conv2d(filters, kernel, stride, padding, bias):
                let (h, w, c) = (layer.inputShape[0], layer.inputShape[1], layer.inputShape[2])
                let pad = try padding.resolved(
                    inputSize: Size2D(height: h, width: w), effectiveWindow: kernel, stride: stride, function: "Sequential.torchModule")
                let common = "\(c), \(filters), \(Self.pair(kernel)), stride=\(Self.pair(stride)), bias=\(bias ? "True" : "False")"
                module = pad.top == pad.bottom && pad.left == pad.right
                    ? "nn.Conv2d(\(common), padding=(\(pad.top), \(pad.left)))"
                    : "PaddedConv2d(\(common), pads=(\(pad.left), \(pad.right), \(pad.top), \(pad.bottom)))"
            case let .maxPool(window, stride):
                module = "nn.MaxPool2d(\(Self.pair(window)), stride=\(Self.pair(stride)))"
            case let .avgPool(window, stride):
                module = "nn.AvgPool2d(\(Self.pair(window)), stride=\(Self.pair(stride)))"
            case .globalAvgPool:
                module = "GlobalAvgPool2d()"
            case .relu:
                module = "nn.ReLU()"
            case .leakyReLU(let alpha):
                module = "nn.LeakyReLU(\(alpha))"
            case .flatten:
                module = "nn.Flatten()"
            case let .dense(units, bias):
                module = "nn.Linear(\(layer.inputShape[0]), \(units), bias=\(bias ? "True" : "False"))"
            case .dropout(let rate):
                module = "nn.Dropout(\(rate))"
            case let .batchNorm(momentum, epsilon):
                module = "nn.BatchNorm2d(\(layer.inputShape[2]), eps=\(epsilon), momentum=\(momentum))"
            }
            modules.append("        \(module),  # \(index): \(layer.spec)")
        }
        let inputShape = inputShape.count == 3 ? [inputShape[2], inputShape[0], inputShape[1]] : inputShape
        return torchModuleTemplate
            .replacingOccurrences(of: "@SPEC@", with: spec.description)
            .replacingOccurrences(of: "@INPUT@", with: "(" + inputShape.map(String.init).joined(separator: ", ") + (inputShape.count == 1 ? ",)" : ")"))
            .replacingOccurrences(of: "@MODULES@", with: modules.joined(separator: "\n"))
    }

    /// Writes ``torchModule()`` as `model.py` and ``torchStateDict()`` as
    /// `state_dict.safetensors` into `directory` (created if missing), each file atomically.
    ///
    /// - Throws: ``ConvKitError`` when the directory or a file cannot be written.
    public func exportTorch(to directory: URL) throws {
        let function = "Sequential.exportTorch"
        let source = try torchModule()
        let tensors = try torchStateDict()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ConvKitError(function, "cannot create the directory \(directory.path): \(error.localizedDescription)")
        }
        try SafeTensors.write(
            tensors, metadata: ["format": "pt", "convkit_model": spec.description],
            to: directory.appendingPathComponent("state_dict.safetensors"))
        try AtomicFile.write(Data(source.utf8), to: directory.appendingPathComponent("model.py"), function: function)
    }

    private static func pair(_ size: Size2D) -> String { "(\(size.height), \(size.width))" }
}

/// model.py with the spec, the input shape and the modules to fill in.
private let torchModuleTemplate = #"""
    """ConvKit model `@SPEC@` in PyTorch, written by `convkit export --torch`.

    Input: NCHW, one sample is @INPUT@. The weights are in state_dict.safetensors beside this file:

        import model
        net = model.load()            # build() + the weights
        logits = net.eval()(x)        # x: [N, C, H, W] float32
    """
    import json
    import os

    import torch
    import torch.nn.functional as F
    from torch import nn

    INPUT_SHAPE = @INPUT@


    class PaddedConv2d(nn.Conv2d):
        """A convolution whose zero padding differs between the two sides: pads = (left, right, top, bottom)."""

        def __init__(self, *args, pads, **kwargs):
            super().__init__(*args, padding=0, **kwargs)
            self.pads = pads

        def forward(self, x):
            return super().forward(F.pad(x, self.pads))


    class GlobalAvgPool2d(nn.Module):
        """ConvKit's globalavgpool: the mean of each channel over H and W, [N, C, H, W] -> [N, C]."""

        def forward(self, x):
            return x.mean(dim=(2, 3))


    def build():
        return nn.Sequential(
    @MODULES@
        )


    def read_safetensors(path):
        """The tensors of a safetensors file (with the `safetensors` package where installed)."""
        try:
            from safetensors.torch import load_file
            return load_file(path)
        except ImportError:
            pass
        dtypes = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64}
        with open(path, "rb") as f:
            data = f.read()
        size = int.from_bytes(data[:8], "little")
        header = json.loads(data[8:8 + size])
        tensors = {}
        for name, entry in header.items():
            if name == "__metadata__":
                continue
            begin, end = entry["data_offsets"]
            raw = bytearray(data[8 + size + begin:8 + size + end])
            tensors[name] = torch.frombuffer(raw, dtype=dtypes[entry["dtype"]]).reshape(entry["shape"]).clone()
        return tensors


    def load(directory=os.path.dirname(os.path.abspath(__file__))):
        """build() with the weights of state_dict.safetensors in `directory`."""
        net = build()
        net.load_state_dict(read_safetensors(os.path.join(directory, "state_dict.safetensors")))
        return net

    """#
