import Foundation
import Synchronization

/// Settings of the fast path that apply to every call.
public enum ConvKitRuntime {
    /// The number of threads the fast path uses; defaults to the cores this process may run on.
    /// A call's own `threads` option takes precedence. Values below 1 count as 1.
    public static var threads: Int {
        get { threadSetting.withLock { $0 } }
        set { threadSetting.withLock { $0 = max(1, newValue) } }
    }

    private static let threadSetting = Lock<Int>(max(1, ProcessInfo.processInfo.activeProcessorCount))
}

/// The fast path's parallel loops, on libdispatch's pool of threads (sized to the cores).
///
/// One parallel loop runs at a time; a loop started while another runs (from another thread)
/// runs on its caller's thread alone, so concurrent callers never oversubscribe the cores.
final class ThreadPool: @unchecked Sendable {
    static let shared = ThreadPool()

    private let callLock = NSLock()
    /// The next item to hand out; used only by the loop holding `callLock`.
    private let nextItem = Atomic<Int>(0)

    /// Runs `body(item, participant)` for every item in `0..<count` on up to `threads` threads.
    /// `participant` is in `0..<threads` and unique among the threads running at once, so it can
    /// index per-thread scratch memory. Items are handed out in order as threads free up; each
    /// item must write its own outputs, so the result does not depend on who ran it.
    /// Returns when every item is done.
    func parallelFor(_ count: Int, threads requested: Int, _ body: (Int, Int) -> Void) {
        let threads = min(requested, count)
        guard threads > 1, callLock.try() else {
            for item in 0..<count { body(item, 0) }
            return
        }
        defer { callLock.unlock() }
        nextItem.store(0, ordering: .relaxed)
        withoutActuallyEscaping(body) { body in
            // concurrentPerform returns only after every iteration has finished, so the body
            // (and the pointers it captures) is never used after this call.
            let task = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: threads) { participant in
                while true {
                    let item = nextItem.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard item < count else { return }
                    task.value(item, participant)
                }
            }
        }
    }
}

/// A value handed to other threads whose safety the caller guarantees.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
