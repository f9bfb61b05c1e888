import ConvKit
import Foundation
import FuzzSupport

/// Any bytes as a benchmark suite (`convkit bench --suite`), decoded and checked.
@_cdecl("fuzz_bench_suite_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ pointer: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes = pointer else { return 0 }
    _ = try? BenchmarkSuite.decode(Data(bytes: bytes, count: count), source: "fuzz")
    return 0
}
