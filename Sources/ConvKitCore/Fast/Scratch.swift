/// Reusable, 64-byte aligned scratch buffers for packed tiles, so that calls do not allocate.
///
/// Buffers are handed out to one user at a time and come back after the call; concurrent
/// callers get different buffers.
final class ScratchPool: @unchecked Sendable {
    static let shared = ScratchPool()

    private struct Buffer {
        var pointer: UnsafeMutableRawPointer
        var bytes: Int
    }

    private let free = Lock<[Buffer]>([])

    /// Lends `count` buffers of at least `bytes` bytes each to `body`.
    func withBuffers<Result>(
        count: Int, bytes: Int, _ body: ([UnsafeMutableRawPointer]) throws -> Result
    ) rethrows -> Result {
        var lent: [Buffer] = free.withLock { buffers in
            let taken = Array(buffers.suffix(count))
            buffers.removeLast(taken.count)
            return taken
        }
        for index in lent.indices where lent[index].bytes < bytes {
            lent[index].pointer.deallocate()
            lent[index] = Buffer(pointer: .allocate(byteCount: bytes, alignment: 64), bytes: bytes)
        }
        while lent.count < count {
            lent.append(Buffer(pointer: .allocate(byteCount: bytes, alignment: 64), bytes: bytes))
        }
        defer { free.withLock { $0.append(contentsOf: lent) } }
        return try body(lent.map(\.pointer))
    }
}
