// The umbrella module: `import ConvKit` brings the numerics, the formats, ONNX and the
// neural-network layer, as one module did before the package was split.
@_exported import ConvKitCore
@_exported import ConvKitFormats
@_exported import ConvKitNN
@_exported import ConvKitONNX
