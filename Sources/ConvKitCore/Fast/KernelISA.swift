import CConvKitKernels
import Foundation

/// The instruction sets ConvKit's micro-kernels are compiled for; one is chosen at run time.
public enum KernelISA: String, Sendable, CaseIterable, Comparable {
    /// Portable C, whatever the CPU.
    case generic
    /// 256-bit AVX2 with FMA.
    case avx2
    /// 512-bit AVX-512F.
    case avx512

    var code: Int32 {
        switch self {
        case .generic: return Int32(CK_ISA_GENERIC.rawValue)
        case .avx2: return Int32(CK_ISA_AVX2.rawValue)
        case .avx512: return Int32(CK_ISA_AVX512.rawValue)
        }
    }

    public static func < (lhs: KernelISA, rhs: KernelISA) -> Bool { lhs.code < rhs.code }

    /// The best instruction set this CPU supports.
    public static let detected: KernelISA = {
        switch ck_isa_detect() {
        case Int32(CK_ISA_AVX512.rawValue): return .avx512
        case Int32(CK_ISA_AVX2.rawValue): return .avx2
        default: return .generic
        }
    }()

    /// The instruction sets this CPU can run, slowest first.
    public static var supported: [KernelISA] { allCases.filter { $0 <= detected } }

    /// The instruction set in use: the one given to ``withActive(_:_:)`` in this task, else
    /// `CONVKIT_ISA=avx512|avx2|generic` if set (and supported), else ``detected``.
    public static var active: KernelISA {
        get { taskOverride ?? activeStorage.withLock { $0 } }
        set { activeStorage.withLock { $0 = min(newValue, detected) } }
    }

    /// Runs `body` with `isa` (or the best supported set below it) as the active instruction set
    /// for the current task only, so concurrent callers (tests) do not see each other's choice.
    public static func withActive<Result>(_ isa: KernelISA, _ body: () throws -> Result) rethrows -> Result {
        try $taskOverride.withValue(min(isa, detected)) { try body() }
    }

    @TaskLocal private static var taskOverride: KernelISA?

    private static let activeStorage = Lock<KernelISA>(fromEnvironment(ProcessInfo.processInfo.environment))

    /// The instruction set `CONVKIT_ISA` asks for, capped at what the CPU supports; ``detected``
    /// when it is unset or not one of `avx512`, `avx2`, `generic`.
    static func fromEnvironment(_ environment: [String: String]) -> KernelISA {
        guard let name = environment["CONVKIT_ISA"], let isa = KernelISA(rawValue: name) else { return detected }
        return min(isa, detected)
    }
}

/// A value guarded by a mutex.
final class Lock<Value>: @unchecked Sendable {
    private var value: Value
    private let mutex = NSLock()

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        mutex.lock()
        defer { mutex.unlock() }
        return try body(&value)
    }
}
