import Synchronization
import Testing
@testable import ConvKit

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
}
