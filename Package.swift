// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "ConvKit",
    products: [
        .library(name: "ConvKit", targets: ["ConvKit"]),
        .library(name: "ConvKitCore", targets: ["ConvKitCore"]),
        .library(name: "ConvKitONNX", targets: ["ConvKitONNX"]),
        .executable(name: "convkit", targets: ["ConvKitCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.28.0"),
    ],
    targets: [
        .target(name: "CConvKitKernels", exclude: ["templates"]),
        .systemLibrary(name: "CConvKitZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // The numerics: tensors, convolution, pooling, the fast kernels' drivers, the course's
        // functions, numpy's random numbers and `.npy`.
        .target(name: "ConvKitCore", dependencies: ["CConvKitKernels"]),
        // File formats and pictures: PNG, safetensors, `.npz`, gzip, charts, the bench suite.
        .target(
            name: "ConvKitFormats",
            dependencies: [
                "ConvKitCore",
                "CConvKitZlib",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        // The neural-network layer: layers, models, optimisers, the trainer, data sets, checkpoints.
        .target(
            name: "ConvKitNN",
            dependencies: ["ConvKitCore", "ConvKitFormats"],
            resources: [.copy("Resources/digits.csv.gz")]
        ),
        // ONNX models: the protobuf code generated from onnx.proto3 (Scripts/generate-onnx-proto.sh),
        // the loader, the executor and the export of Sequential models. The only target that
        // depends on swift-protobuf.
        .target(
            name: "ConvKitONNX",
            dependencies: ["ConvKitCore", "ConvKitNN", .product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        // `import ConvKit`: all of the above.
        .target(name: "ConvKit", dependencies: ["ConvKitCore", "ConvKitFormats", "ConvKitNN", "ConvKitONNX"]),
        .executableTarget(
            name: "ConvKitCLI",
            dependencies: [
                "ConvKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            resources: [.copy("Resources/suite.json")]
        ),
        // The micro-kernel testers, in C++ beside the C kernels they test (Scripts/check-arm64.sh
        // also runs them under qemu-aarch64).
        .target(
            name: "CConvKitKernelTester",
            dependencies: ["CConvKitKernels"],
            path: "Tests/CConvKitKernelTester",
            exclude: ["arm64_main.cpp"]
        ),
        .testTarget(
            name: "ConvKitTests",
            dependencies: [
                "ConvKit",
                "ConvKitCore",
                "ConvKitFormats",
                "ConvKitNN",
                "ConvKitONNX",
                "CConvKitKernelTester",
                // Built so that CLIHostileTests can run the convkit executable.
                "ConvKitCLI",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            exclude: ["Fixtures"]
        ),
    ]
)

// The documentation plugin only when asked for (`CONVKIT_DOCS=1 swift package
// generate-documentation --target ConvKit`), so that users do not carry the dependency.
if Context.environment["CONVKIT_DOCS"] != nil {
    package.dependencies.append(.package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"))
}
