// swift-tools-version:6.0
// libFuzzer targets for ConvKit's parsers, one executable per format. They build only with the
// fuzzer sanitizer, which supplies `main`: run them through `Fuzz/run.sh`.
import PackageDescription

let targets = ["npy", "npz", "safetensors", "checkpoint", "idx", "gzip", "png", "model-spec", "bench-suite", "onnx"]

let package = Package(
    name: "ConvKitFuzz",
    dependencies: [.package(name: "ConvKit", path: "..")],
    targets: [.target(name: "FuzzSupport", path: "Support")] + targets.map { name in
        .executableTarget(
            name: "fuzz-\(name)",
            dependencies: ["FuzzSupport", .product(name: "ConvKit", package: "ConvKit")],
            path: "Targets/\(name)",
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        )
    }
)
