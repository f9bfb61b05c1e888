import CConvKitKernels
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

    /// How long, in microseconds, the fast path's worker threads keep polling for the next
    /// parallel call after finishing one, before they sleep; default 1000. Polling lets layers
    /// called back to back start at once instead of paying the wake-up of a sleeping thread
    /// (about 40 µs on a virtual machine), at the price of up to this much CPU time per worker
    /// after each call. 0 makes workers sleep at once; values are clamped to 0 ... 60_000_000
    /// (a minute).
    public static var workerSpinMicroseconds: Int {
        get { spinSetting.load(ordering: .relaxed) }
        set { spinSetting.store(min(max(0, newValue), 60_000_000), ordering: .relaxed) }
    }

    private static let spinSetting = Atomic<Int>(1000)
}

/// The fast path's parallel loops, on worker threads of its own that spin briefly between loops.
///
/// Waking a sleeping thread costs about 40 µs on this machine (a virtual machine); two 20 µs
/// halves of a job took 57–69 µs on libdispatch's pool, more than one thread alone. So, as
/// OpenMP runtimes do, a worker that finishes a loop polls for the next one for up to
/// ``ConvKitRuntime/workerSpinMicroseconds`` before it sleeps; layers called back to back then
/// start in well under a microsecond. Only as many workers spin as there are other cores, so a
/// loop asking for more threads than cores does not have its own workers competing with it.
///
/// One parallel loop runs at a time; a loop started while another runs (from another thread)
/// runs on its caller's thread alone, so concurrent callers never oversubscribe the cores.
package final class ThreadPool: @unchecked Sendable {
    package static let shared = ThreadPool()

    /// Held by the caller running a loop.
    private let callLock = NSLock()
    /// The next item to hand out.
    private let nextItem = Atomic<Int>(0)
    /// The loop being published: a serial number times 256 plus its thread count. Workers wait
    /// for it to change; one load tells a worker both that a loop started and whether it takes
    /// part, so a worker that missed a loop it had no part in cannot mistake the next one.
    private let published = Atomic<Int>(0)
    /// Workers of the current loop that have not finished it.
    private let running = Atomic<Int>(0)
    /// Workers asleep (or about to sleep) on `wakeUp`.
    private let sleepers = Atomic<Int>(0)
    private let wakeUp = NSCondition()
    /// The current loop, set before it is published and cleared after every worker is done.
    private var body: ((Int, Int) -> Void)?
    private var count = 0
    /// Worker threads started so far (participants 1...workers); changed under `callLock`.
    private var workers = 0
    private let spinningWorkers = max(0, ProcessInfo.processInfo.activeProcessorCount - 1)

    /// The largest number of threads a loop may use.
    static let maximumThreads = 255

    /// Runs `body(item, participant)` for every item in `0..<count` on up to `threads` threads.
    /// `participant` is in `0..<threads` and unique among the threads running at once, so it can
    /// index per-thread scratch memory. Items are handed out in order as threads free up; each
    /// item must write its own outputs, so the result does not depend on who ran it.
    /// Returns when every item is done.
    package func parallelFor(_ count: Int, threads requested: Int, _ body: (Int, Int) -> Void) {
        let threads = min(requested, count, Self.maximumThreads)
        guard threads > 1, callLock.try() else {
            for item in 0..<count { body(item, 0) }
            return
        }
        defer { callLock.unlock() }
        while workers < threads - 1 {
            workers += 1
            let participant = workers
            let seen = published.load(ordering: .relaxed)
            Thread.detachNewThread { [self] in workerLoop(participant: participant, seen: seen) }
        }
        withoutActuallyEscaping(body) { body in
            self.body = body
            self.count = count
            nextItem.store(0, ordering: .relaxed)
            running.store(threads - 1, ordering: .relaxed)
            let serial = published.load(ordering: .relaxed) / 256 + 1
            // Sequentially consistent with the sleepers count (see `waitForLoop`): either this
            // call sees a sleeper and wakes it, or the sleeper sees the new loop.
            published.store(serial * 256 + threads, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                wakeUp.lock()
                wakeUp.broadcast()
                wakeUp.unlock()
            }
            runItems(participant: 0)
            var polls = 0
            while running.load(ordering: .acquiring) > 0 {
                ck_cpu_relax()
                polls += 1
                // With more threads than cores a worker may be waiting for this core.
                if polls % 1024 == 0 { sched_yield() }
            }
            // Every worker has returned from runItems, so nothing holds the closure any more.
            self.body = nil
        }
    }

    /// Takes items of the current loop until none is left. Not inlined: its copy of the closure
    /// must be released before a worker reports itself done.
    @inline(never)
    private func runItems(participant: Int) {
        guard let body else { return }
        while true {
            let item = nextItem.wrappingAdd(1, ordering: .relaxed).oldValue
            guard item < count else { return }
            body(item, participant)
        }
    }

    private func workerLoop(participant: Int, seen start: Int) {
        var seen = start
        while true {
            seen = waitForLoop(after: seen, spins: participant <= spinningWorkers)
            if participant < seen % 256 {
                runItems(participant: participant)
                running.subtract(1, ordering: .releasing)
            }
        }
    }

    /// Returns the published loop once it differs from `seen`: polling first (for up to
    /// ``ConvKitRuntime/workerSpinMicroseconds`` when `spins`), then asleep on `wakeUp`.
    private func waitForLoop(after seen: Int, spins: Bool) -> Int {
        let spinNanoseconds = UInt64(ConvKitRuntime.workerSpinMicroseconds) * 1000
        if spins && spinNanoseconds > 0 {
            let start = DispatchTime.now().uptimeNanoseconds
            var polls = 0
            while true {
                let current = published.load(ordering: .acquiring)
                if current != seen { return current }
                ck_cpu_relax()
                polls += 1
                if polls % 256 == 0 && DispatchTime.now().uptimeNanoseconds - start > spinNanoseconds { break }
            }
        }
        wakeUp.lock()
        defer { wakeUp.unlock() }
        sleepers.add(1, ordering: .sequentiallyConsistent)
        defer { sleepers.subtract(1, ordering: .relaxed) }
        while true {
            let current = published.load(ordering: .sequentiallyConsistent)
            if current != seen { return current }
            wakeUp.wait()
        }
    }
}
