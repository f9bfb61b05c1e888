import ConvKit
import Foundation

/// `convkit bench --onnx MODEL`: an ONNX model's inference time at batch 1 and 16, on one thread
/// and on all, in the layout of `resnet50_peers.py`'s lines (median of the runs after 2 warm-ups).
enum ONNXBenchmark {
    static func run(path: String, threads: Int, repeats: Int) throws {
        let model = try ONNXModel(contentsOf: URL(fileURLWithPath: path))
        guard model.inputNames.count == 1, let name = model.inputNames.first, let declared = model.inputShapes[name],
              declared.count >= 2, declared.dropFirst().allSatisfy({ $0 != nil }) else {
            throw CommandFailure("bench --onnx times models with one input whose sizes past the batch are given")
        }
        let title = path.split(separator: "/").last.map(String.init) ?? path
        for batch in [1, 16] {
            var rng = NumPyRandomState(seed: 0)
            let input = NPYArray.float32(try rng.randn([batch] + declared.dropFirst().map { $0 ?? 1 }).map { Float($0) })
            for count in Set([1, threads]).sorted() {
                let step = { _ = try model.run([name: input], threads: count) }
                for _ in 0..<2 { try step() }
                var times: [Double] = []
                for _ in 0..<max(1, repeats) {
                    let start = ContinuousClock.now
                    try step()
                    let elapsed = ContinuousClock.now - start
                    times.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15)
                }
                let median = times.sorted()[times.count / 2]
                print("\(title) batch \(String(format: "%2d", batch)) threads \(count): convkit \(KernelISA.active.rawValue) \(String(format: "%8.1f", median)) ms")
                fflush(nil)
            }
        }
        var usage = rusage()
        if getrusage(RUSAGE_SELF.rawValue, &usage) == 0 {
            print("peak memory (maximum resident set, loading and every run): \(usage.ru_maxrss / 1024) MB")
        }
    }
}
