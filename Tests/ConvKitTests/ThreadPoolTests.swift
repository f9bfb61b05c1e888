import Foundation
import Synchronization
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

@Suite struct ThreadPoolTests {
    @Test func runsEveryItemOnce() {
        for threads in [1, 2, 3, 8] {
            var hits = [Int](repeating: 0, count: 1000)
            hits.withUnsafeMutableBufferPointer { hits in
                ThreadPool.shared.parallelFor(1000, threads: threads) { item, participant in
                    hits[item] += 1 + participant * 0
                }
            }
            #expect(hits.allSatisfy { $0 == 1 }, "threads \(threads)")
        }
    }

    /// Participants lie in 0 ..< threads and no two threads use one at the same time (it
    /// indexes per-thread scratch memory).
    @Test func participantsAreInRangeAndExclusive() {
        for threads in [2, 3, 8] {
            let busy = UnsafeMutablePointer<Atomic<Int>>.allocate(capacity: threads)
            for participant in 0..<threads { (busy + participant).initialize(to: Atomic(0)) }
            defer { busy.deallocate() }
            let clashes = Atomic<Int>(0)
            let outOfRange = Atomic<Int>(0)
            ThreadPool.shared.parallelFor(400, threads: threads) { _, participant in
                guard participant >= 0 && participant < threads else {
                    outOfRange.add(1, ordering: .relaxed)
                    return
                }
                if busy[participant].add(1, ordering: .relaxed).newValue != 1 { clashes.add(1, ordering: .relaxed) }
                var spin = 0
                for i in 0..<2000 { spin &+= i }
                if spin == -1 { clashes.add(1, ordering: .relaxed) }
                busy[participant].subtract(1, ordering: .relaxed)
            }
            #expect(outOfRange.load(ordering: .relaxed) == 0, "threads \(threads)")
            #expect(clashes.load(ordering: .relaxed) == 0, "threads \(threads)")
        }
    }

    /// Thousands of loops back to back with changing thread counts (workers that sat one out
    /// must not take the next for theirs), then one after the workers have gone to sleep.
    @Test func loopsBackToBackAndAfterSleep() {
        let counts = [2, 8, 3, 1, 2, 5, 2]
        for round in 0..<3000 {
            let threads = counts[round % counts.count]
            let total = Atomic<Int>(0)
            ThreadPool.shared.parallelFor(16, threads: threads) { item, _ in total.add(item + 1, ordering: .relaxed) }
            if total.load(ordering: .relaxed) != 136 {
                Issue.record("round \(round), \(threads) threads: items summed to \(total.load(ordering: .relaxed))")
                return
            }
        }
        Thread.sleep(forTimeInterval: Double(ConvKitRuntime.workerSpinMicroseconds) / 1e6 * 3)
        let total = Atomic<Int>(0)
        ThreadPool.shared.parallelFor(64, threads: 2) { item, _ in total.add(item, ordering: .relaxed) }
        #expect(total.load(ordering: .relaxed) == 64 * 63 / 2)
    }

    /// Loops started from several threads at once all finish with every item run once (one
    /// runs on the pool, the others on their callers' threads).
    @Test func concurrentCallers() {
        let failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { caller in
            for _ in 0..<200 {
                let total = Atomic<Int>(0)
                ThreadPool.shared.parallelFor(32, threads: 2 + caller) { item, _ in total.add(item, ordering: .relaxed) }
                if total.load(ordering: .relaxed) != 32 * 31 / 2 { failures.add(1, ordering: .relaxed) }
            }
        }
        #expect(failures.load(ordering: .relaxed) == 0)
    }
}
