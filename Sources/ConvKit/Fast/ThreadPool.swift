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

/// Persistent worker threads for the fast path's parallel loops.
///
/// One parallel loop runs at a time; a loop started while another runs (from another thread)
/// runs on its caller's thread alone, so concurrent callers never oversubscribe the cores.
final class ThreadPool: @unchecked Sendable {
    static let shared = ThreadPool()

    private let condition = NSCondition()
    private let callLock = NSLock()
    private let nextItem = Atomic<Int>(0)
    // Guarded by `condition`:
    private var workerCount = 0
    private var generation = 0
    private var participants = 0
    private var pending = 0
    private var itemCount = 0
    private var body: ((Int, Int) -> Void)?

    /// Runs `body(item, participant)` for every item in `0..<count` on up to `threads` threads.
    /// `participant` is in `0..<threads` and unique among the threads running at once, so it can
    /// index per-thread scratch memory. Returns when every item is done.
    func parallelFor(_ count: Int, threads requested: Int, _ body: (Int, Int) -> Void) {
        let threads = min(requested, count)
        guard threads > 1, callLock.try() else {
            for item in 0..<count { body(item, 0) }
            return
        }
        defer { callLock.unlock() }
        withoutActuallyEscaping(body) { body in
            condition.lock()
            while workerCount < threads - 1 { startWorker(index: workerCount + 1) }
            self.body = body
            itemCount = count
            participants = threads - 1
            pending = threads - 1
            nextItem.store(0, ordering: .relaxed)
            generation += 1
            condition.broadcast()
            condition.unlock()

            runItems(participant: 0, body: body, count: count)

            condition.lock()
            while pending > 0 { condition.wait() }
            self.body = nil
            condition.unlock()
        }
    }

    private func runItems(participant: Int, body: (Int, Int) -> Void, count: Int) {
        while true {
            let item = nextItem.wrappingAdd(1, ordering: .relaxed).oldValue
            guard item < count else { return }
            body(item, participant)
        }
    }

    /// Must be called with `condition` locked, before `generation` moves on: the worker joins
    /// the next generation.
    private func startWorker(index: Int) {
        workerCount += 1
        let seen = generation
        let thread = Thread { [unowned self] in self.workerLoop(index: index, seen: seen) }
        thread.name = "ConvKit worker \(index)"
        thread.start()
    }

    private func workerLoop(index: Int, seen initial: Int) {
        var seen = initial
        while true {
            condition.lock()
            while true {
                if generation != seen {
                    seen = generation
                    if index <= participants { break }
                }
                condition.wait()
            }
            let body = self.body
            let count = itemCount
            condition.unlock()
            if let body { runItems(participant: index, body: body, count: count) }
            condition.lock()
            pending -= 1
            if pending == 0 { condition.broadcast() }
            condition.unlock()
        }
    }
}
