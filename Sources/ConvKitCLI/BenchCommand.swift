import ArgumentParser
import ConvKit
import Foundation

/// `convkit bench`: times convolution and pooling on the suite's layer shapes, in the table
/// layout of `pytorch_suite.py`, so the two compare row by row.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time convolution and pooling on the benchmark suite's layer shapes (Float32).",
        discussion: """
            Prints the median milliseconds and GFLOP/s of each layer and op, like \
            ../shared/bench/pytorch_suite.py. With --compare, adds PyTorch's time over ConvKit's \
            from that script's --json output, and the geometric means. Pooling has a third row, \
            pool_inference: the forward pass alone (pool2d, no cache), compared with the same \
            PyTorch forward pass as pool_forward (timed under no_grad) and averaged apart.
            """
    )

    @Option(help: "A suite.json (default: the copy of ../shared/bench/suite.json built in).")
    var suite: String?

    @Option(help: "Threads (default: the cores this process may use).")
    var threads: Int = ConvKitRuntime.threads

    @Option(help: "Timed runs per row; the median is reported.")
    var `repeat`: Int = 5

    @Option(help: "\(ConvAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")) (conv rows; pooling takes fast or reference).")
    var algorithm: String = "fast"

    @Option(help: "nhwc or nchw.")
    var layout: String = "nhwc"

    @Option(help: "Write the rows as JSON (the format of pytorch_suite.py --json).")
    var json: String?

    @Option(help: "A JSON written by pytorch_suite.py --json, to compare with.")
    var compare: String?

    @Flag(help: "Measure this machine's FP32 FMA peak and show each conv row as a fraction of it.")
    var peak = false

    @Flag(help: "Measure training throughput instead: the digits and mnist presets, Adam 1e-3, batch 64 (pytorch_train.py's recipe).")
    var train = false

    @Option(help: "With --train: the MNIST IDX folder.")
    var mnist: String = "../shared/data/mnist"

    @Option(help: "With --train: epochs per model (the median epoch is reported).")
    var epochs: Int = 3

    @Option(help: "Time an ONNX model instead (e.g. resnet50_peers.py's resnet50.onnx): batch 1 and 16, 1 thread and --threads.")
    var onnx: String?

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1, got \(`repeat`)") }
        guard ConvAlgorithm(rawValue: algorithm) != nil else {
            throw ValidationError("--algorithm must be one of \(ConvAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")), got \(algorithm)")
        }
        guard TensorLayout(rawValue: layout) != nil else {
            throw ValidationError("--layout must be nhwc or nchw, got \(layout)")
        }
    }

    func run() throws {
        if let onnx {
            try ONNXBenchmark.run(path: onnx, threads: threads, repeats: `repeat`)
            return
        }
        if train {
            print("convkit \(KernelISA.active.rawValue), threads \(threads): training throughput (Adam 1e-3, batch 64)")
            for row in try TrainingBenchmark.run(epochs: max(epochs, 1), mnist: mnist, threads: threads) {
                print(String(format: "%-8@ %10.0f images/s (median of %d epochs)", row.name as NSString, row.imagesPerSecond, row.epochs))
            }
            return
        }
        let suite = try BenchmarkSuite.load(path: suite)
        let peer = try compare.map { path -> [String: Double] in
            let data = try FileInput.read(URL(fileURLWithPath: path), function: "bench", limit: 16 << 20)
            let report = try JSONInput.decode(BenchReport.self, from: data, source: path, function: "bench")
            return Dictionary(report.rows.map { ("\($0.layer) \($0.op)", $0.seconds) }, uniquingKeysWith: min)
        }
        var peakPerThread: Double?
        if peak {
            let single = MachinePeak.measure(threads: 1)
            let all = MachinePeak.measure(threads: threads)
            print(String(format: "FP32 FMA peak (%@): %.1f GFLOP/s per core, %.1f GFLOP/s on %d threads together",
                         KernelISA.active.rawValue, single, all, threads))
            // Rows are shown against one core's peak times the threads: what the cores could do.
            peakPerThread = single * Double(threads)
        }
        print("convkit \(KernelISA.active.rawValue), threads \(threads), algorithm \(algorithm)")
        var header = "layer".padding(16) + " " + "op".padding(24) + " " + "ms".leftPadding(10) + " " + "GFLOP/s".leftPadding(9) + " layout"
        if peakPerThread != nil { header += "  " + "% peak".leftPadding(6) }
        if peer != nil { header += "  " + "torch ms".leftPadding(10) + " " + "speed-up".leftPadding(8) }
        print(header)
        var ratios: [String: [Double]] = [:]
        let rows = try suite.run(
            threads: threads, repeats: `repeat`, algorithm: ConvAlgorithm(rawValue: algorithm) ?? .fast,
            layout: TensorLayout(rawValue: layout) ?? .nhwc, skipSlow: algorithm != "fast"
        ) { row in
            var line = row.layer.padding(16) + " " + row.op.padding(24) + " "
                + String(format: "%10.3f", row.seconds * 1e3) + " "
                + (row.gflops.map { String(format: "%9.1f", $0) } ?? String(repeating: " ", count: 9))
                + " " + row.layout.padding(6)
            if let peakPerThread {
                line += " " + (row.gflops.map { String(format: "%6.0f%%", 100 * $0 / peakPerThread) } ?? "       ")
            }
            // pytorch_suite.py times its forward pass under no_grad: the inference row compares with it too.
            let peerOp = row.op == "pool_inference" ? "pool_forward" : row.op
            if let torch = peer?["\(row.layer) \(peerOp)"] {
                let ratio = torch / row.seconds
                line += String(format: "  %10.3f %7.2fx", torch * 1e3, ratio)
                let group = row.op == "pool_inference" ? "pool inference"
                    : row.op.hasPrefix("pool") ? "pool" : (row.layer == "course-tiny" ? "tiny" : "conv")
                ratios[group, default: []].append(ratio)
            }
            print(line)
            fflush(nil)
        }
        for (group, values) in ratios.sorted(by: { $0.key < $1.key }) where group != "tiny" {
            let geometricMean = exp(values.map { log($0) }.reduce(0, +) / Double(values.count))
            print(String(format: "%@ rows: geometric mean of PyTorch time / ConvKit time %.2f (min %.2f, %d rows)",
                         group, geometricMean, values.min() ?? 0, values.count))
        }
        if let json {
            let report = BenchReport(engine: "convkit \(KernelISA.active.rawValue)", threads: threads, rows: rows)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try writeAtomically(encoder.encode(report), to: json, command: "bench")
        }
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
    func leftPadding(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

/// Writes `data` to `path` atomically (``AtomicFile``), errors named after `command`.
func writeAtomically(_ data: Data, to path: String, command: String) throws {
    try AtomicFile.write(data, to: URL(fileURLWithPath: path), function: command)
}
