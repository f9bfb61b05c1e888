import ArgumentParser
import ConvKit
import Foundation

extension BenchmarkSuite {
    /// The suite in `path`, or the copy of `../shared/bench/suite.json` built into the tool.
    static func load(path: String?) throws -> BenchmarkSuite {
        let url: URL
        if let path {
            url = URL(fileURLWithPath: path)
        } else if let bundled = Bundle.module.url(forResource: "suite", withExtension: "json") {
            url = bundled
        } else {
            throw ValidationError("the built-in suite.json is missing; pass --suite FILE")
        }
        return try BenchmarkSuite.decode(FileInput.read(url, function: "bench", limit: 16 << 20), source: url.path)
    }
}

/// One measured row, named as in `pytorch_suite.py`'s JSON.
struct BenchRow: Codable {
    let layer: String
    let op: String
    let seconds: Double
    let gflops: Double?
    let layout: String
}

/// The JSON both `convkit bench --json` and `pytorch_suite.py --json` write.
struct BenchReport: Codable {
    let engine: String
    let threads: Int
    let rows: [BenchRow]
}

/// The median of `repeats` timed runs of `body` after two warm-up runs.
func medianSeconds(repeats: Int, _ body: () throws -> Void) rethrows -> Double {
    for _ in 0..<2 { try body() }
    var times: [Double] = []
    for _ in 0..<max(1, repeats) {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    times.sort()
    return times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
}

/// Float tensors of standard normal values, from numpy's generator.
func randomFloats(_ shape: [Int], rng: inout NumPyRandomState) throws -> Tensor<Float> {
    try rng.randn(shape).map { Float($0) }
}

extension BenchmarkSuite {
    /// Times every conv and pool row: forward, backward-data and backward-weights; pool forward
    /// and backward.
    func run(
        threads: Int, repeats: Int, algorithm: ConvAlgorithm, layout: TensorLayout, skipSlow: Bool,
        progress: (BenchRow) -> Void
    ) throws -> [BenchRow] {
        var rng = NumPyRandomState(seed: 0)
        var rows: [BenchRow] = []
        func record(_ row: BenchRow) {
            rows.append(row)
            progress(row)
        }
        for c in conv {
            let options = Conv2DOptions(
                stride: Size2D(c.stride, c.stride), padding: .uniform(c.pad), layout: layout,
                algorithm: algorithm, threads: threads)
            let p = (c.H + 2 * c.pad - c.R) / c.stride + 1
            let q = (c.W + 2 * c.pad - c.S) / c.stride + 1
            let flops = 2.0 * Double(c.N * c.K * p * q * c.C * c.R * c.S)
            if skipSlow && flops > 2e8 { continue }
            let x = try randomFloats(layout == .nhwc ? [c.N, c.H, c.W, c.C] : [c.N, c.C, c.H, c.W], rng: &rng)
            let w = try randomFloats(layout == .nhwc ? [c.R, c.S, c.C, c.K] : [c.K, c.C, c.R, c.S], rng: &rng)
            let b = try randomFloats([c.K], rng: &rng)
            let (y, cache) = try conv2dForward(x, weight: w, bias: b, options: options)
            let dy = try randomFloats(y.shape, rng: &rng)
            let forward = try medianSeconds(repeats: repeats) { _ = try conv2dForward(x, weight: w, bias: b, options: options) }
            record(BenchRow(layer: c.name, op: "conv_forward", seconds: forward, gflops: flops / forward / 1e9, layout: layout.rawValue))
            let data = try medianSeconds(repeats: repeats) { _ = try conv2dBackwardInput(dy, cache: cache) }
            record(BenchRow(layer: c.name, op: "conv_backward_data", seconds: data, gflops: flops / data / 1e9, layout: layout.rawValue))
            let weights = try medianSeconds(repeats: repeats) { _ = try conv2dBackwardWeight(dy, cache: cache) }
            record(BenchRow(layer: c.name, op: "conv_backward_weights", seconds: weights, gflops: flops / weights / 1e9, layout: layout.rawValue))
        }
        for c in pool {
            let options = Pool2DOptions(
                c.mode == "max" ? .max : .average, window: Size2D(c.R, c.S), stride: Size2D(c.stride, c.stride),
                padding: .uniform(c.pad), layout: layout, algorithm: algorithm == .reference ? .reference : .fast,
                threads: threads)
            if skipSlow && algorithm == .reference && c.N * c.C * c.H * c.W > 1_000_000 { continue }
            let x = try randomFloats(layout == .nhwc ? [c.N, c.H, c.W, c.C] : [c.N, c.C, c.H, c.W], rng: &rng)
            let (y, cache) = try pool2dForward(x, options: options)
            let dy = try randomFloats(y.shape, rng: &rng)
            let forward = try medianSeconds(repeats: repeats) { _ = try pool2dForward(x, options: options) }
            record(BenchRow(layer: c.name, op: "pool_forward", seconds: forward, gflops: nil, layout: layout.rawValue))
            // The forward pass with no backward pass to follow (no cache, no argmax).
            let inference = try medianSeconds(repeats: repeats) { _ = try pool2d(x, options: options) }
            record(BenchRow(layer: c.name, op: "pool_inference", seconds: inference, gflops: nil, layout: layout.rawValue))
            let backward = try medianSeconds(repeats: repeats) { _ = try pool2dBackward(dy, cache: cache) }
            record(BenchRow(layer: c.name, op: "pool_backward", seconds: backward, gflops: nil, layout: layout.rawValue))
        }
        return rows
    }
}

/// Training throughput on the two reference models, with `pytorch_train.py`'s recipe (Adam 1e-3,
/// batch 64) so the images/s compare with its output.
enum TrainingBenchmark {
    struct Row {
        let name: String
        let imagesPerSecond: Double
        let epochs: Int
    }

    /// The median images/s over `epochs` epochs of the digits preset, and of the MNIST preset when
    /// `mnist` (an IDX folder) exists.
    static func run(epochs: Int, mnist: String, threads: Int) throws -> [Row] {
        ConvKitRuntime.threads = threads
        var sets: [(String, ModelSpec, (train: Dataset, test: Dataset))] = [("digits", ModelSpec.digits, try Dataset.digitsSplit())]
        if FileManager.default.fileExists(atPath: mnist) {
            sets.append(("mnist", ModelSpec.mnist, try Dataset.load(URL(fileURLWithPath: mnist))))
        }
        return try sets.map { name, spec, data in
            var trainer = try Trainer(
                model: Sequential<Float>(spec, seed: 0), optimizer: OptimizerChoice(named: "adam", learningRate: 1e-3),
                configuration: TrainingConfiguration(epochs: epochs, batchSize: 64, learningRate: 1e-3))
            _ = try trainer.run(train: data.train, test: data.test)
            let speeds = trainer.history.map(\.imagesPerSecond).sorted()
            return Row(name: name, imagesPerSecond: speeds[speeds.count / 2], epochs: epochs)
        }
    }
}
