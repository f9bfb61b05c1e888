import ArgumentParser
import ConvKit
import Foundation

/// The layer shapes of a benchmark suite (`suite.json`, the format of `../shared/bench`).
struct BenchSuite: Decodable {
    struct Conv: Decodable {
        let name: String
        let N: Int, C: Int, H: Int, W: Int, K: Int, R: Int, S: Int, stride: Int, pad: Int
    }

    struct Pool: Decodable {
        let name: String
        let mode: String
        let N: Int, C: Int, H: Int, W: Int, R: Int, S: Int, stride: Int, pad: Int
    }

    let conv: [Conv]
    let pool: [Pool]

    /// The suite in `path`, or the copy of `../shared/bench/suite.json` built into the tool.
    static func load(path: String?) throws -> BenchSuite {
        let url: URL
        if let path {
            url = URL(fileURLWithPath: path)
        } else if let bundled = Bundle.module.url(forResource: "suite", withExtension: "json") {
            url = bundled
        } else {
            throw ValidationError("the built-in suite.json is missing; pass --suite FILE")
        }
        let data = try FileInput.read(url, function: "bench", limit: 16 << 20)
        let suite = try JSONInput.decode(BenchSuite.self, from: data, source: url.path, function: "bench")
        try suite.validate(source: url.path)
        return suite
    }

    /// Checks every row before any is run: positive sizes and strides, padding that leaves an
    /// output, and sizes whose arithmetic fits (the tensors themselves are checked against the
    /// memory limit when they are made).
    func validate(source: String) throws {
        func check(_ name: String, _ sizes: [(String, Int)], stride: Int, pad: Int, window: (Int, Int), input: (Int, Int)) throws {
            for (field, value) in sizes where value < 1 {
                throw ConvKitError("bench", "\(source): row '\(name)': \(field) must be at least 1, got \(value)")
            }
            guard stride >= 1 else { throw ConvKitError("bench", "\(source): row '\(name)': stride must be at least 1, got \(stride)") }
            guard pad >= 0 else { throw ConvKitError("bench", "\(source): row '\(name)': pad must not be negative, got \(pad)") }
            for (size, kernel) in [(input.0, window.0), (input.1, window.1)] {
                let padded = try Checked.sum(size, pad, pad, what: "row '\(name)': the padded input", in: "bench")
                guard padded >= kernel else {
                    throw ConvKitError("bench", "\(source): row '\(name)': a \(kernel)-wide window does not fit a padded input of \(padded)")
                }
            }
            _ = try Checked.product(sizes.map(\.1), what: "row '\(name)': the element count", in: "bench")
        }
        for c in conv {
            try check(c.name, [("N", c.N), ("C", c.C), ("H", c.H), ("W", c.W), ("K", c.K), ("R", c.R), ("S", c.S)],
                      stride: c.stride, pad: c.pad, window: (c.R, c.S), input: (c.H, c.W))
        }
        for p in pool {
            guard p.mode == "max" || p.mode == "average" else {
                throw ConvKitError("bench", "\(source): row '\(p.name)': mode must be max or average, got '\(p.mode)'")
            }
            try check(p.name, [("N", p.N), ("C", p.C), ("H", p.H), ("W", p.W), ("R", p.R), ("S", p.S)],
                      stride: p.stride, pad: p.pad, window: (p.R, p.S), input: (p.H, p.W))
        }
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

extension BenchSuite {
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
