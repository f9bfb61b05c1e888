import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// Max-pooling ties and NaN, worked out by hand.
///
/// Policies (``MaxTiePolicy``): `.first` sends a window's whole gradient to its first maximum in
/// row-major scan order (PyTorch, TensorFlow, ONNX); `.all` sends the full gradient to every
/// tied maximum (the course's `mask = (x == np.max(x))`); `.splitEvenly` divides it among them.
/// NaN is a window's maximum and ties only with NaN. Upstream gradients are powers of two, so
/// every sum below is exact and tells which windows contributed.
@Suite struct MaxTieTests {
    /// A `[1, 1, H, W]` NCHW tensor from rows.
    static func plane(_ rows: [[Double]]) throws -> Tensor<Double> {
        try Tensor(shape: [1, 1, rows.count, rows[0].count], scalars: rows.flatMap { $0 })
    }

    static func run(
        _ x: Tensor<Double>, _ dy: Tensor<Double>, _ options: Pool2DOptions, _ policy: MaxTiePolicy
    ) throws -> (y: Tensor<Double>, indices: Tensor<Int>?, dx: Tensor<Double>) {
        var options = options
        options.maxTies = policy
        options.returnIndices = true
        let (y, cache) = try pool2dForward(x, options: options)
        return (y, cache.indices, try pool2dBackward(dy, cache: cache))
    }

    // MARK: Overlapping windows (stride 1 < window 2), no padding

    // x = [[1, 3, 3],      windows (2×2, stride 1):
    //      [3, 2, 1],      (0,0): {1, 3, 3, 2}  max 3 at (0,1), (1,0)   first (0,1) = index 1
    //      [0, 3, 2]]      (0,1): {3, 3, 2, 1}  max 3 at (0,1), (0,2)   first (0,1) = index 1
    //                      (1,0): {3, 2, 0, 3}  max 3 at (1,0), (2,1)   first (1,0) = index 3
    //                      (1,1): {2, 1, 3, 2}  max 3 at (2,1) only                 index 7
    // dy = [[1, 2], [4, 8]]
    static let overlapX: [[Double]] = [[1, 3, 3], [3, 2, 1], [0, 3, 2]]
    static let overlapDy: [[Double]] = [[1, 2], [4, 8]]
    static let overlapOptions = Pool2DOptions(.max, window: 2, stride: 1, layout: .nchw)

    @Test func overlappingForwardAndIndices() throws {
        let (y, indices, _) = try Self.run(
            try Self.plane(Self.overlapX), try Self.plane(Self.overlapDy), Self.overlapOptions, .first)
        #expect(y.scalars == [3, 3, 3, 3])
        #expect(indices?.scalars == [1, 1, 3, 7])
        #expect(indices?.shape == [1, 1, 2, 2])
    }

    @Test func overlappingFirst() throws {
        // (0,1) gets 1 + 2 from windows (0,0) and (0,1); (1,0) gets 4; (2,1) gets 8.
        let (_, _, dx) = try Self.run(
            try Self.plane(Self.overlapX), try Self.plane(Self.overlapDy), Self.overlapOptions, .first)
        #expect(try Self.plane([[0, 3, 0], [4, 0, 0], [0, 8, 0]]) == dx)
    }

    @Test func overlappingAll() throws {
        // (0,1): 1 + 2 = 3; (1,0): 1 + 4 = 5; (0,2): 2; (2,1): 4 + 8 = 12.
        let (_, _, dx) = try Self.run(
            try Self.plane(Self.overlapX), try Self.plane(Self.overlapDy), Self.overlapOptions, .all)
        #expect(try Self.plane([[0, 3, 2], [5, 0, 0], [0, 12, 0]]) == dx)
    }

    @Test func overlappingSplitEvenly() throws {
        // (0,1): 1/2 + 2/2 = 1.5; (1,0): 1/2 + 4/2 = 2.5; (0,2): 2/2 = 1; (2,1): 4/2 + 8 = 10.
        let (_, _, dx) = try Self.run(
            try Self.plane(Self.overlapX), try Self.plane(Self.overlapDy), Self.overlapOptions, .splitEvenly)
        #expect(try Self.plane([[0, 1.5, 1], [2.5, 0, 0], [0, 10, 0]]) == dx)
    }

    // MARK: Padding 1, window 2, stride 2 (padding is −∞: never a maximum, never tied)

    // x = [[-1, 4,  4],    padded rows −1…2, columns −1…3; windows start at −1 and 1:
    //      [-3, 4, -2]]    (0,0): rows {−1,0} × cols {−1,0} → only x(0,0) = −1     index 0
    //                      (0,1): rows {−1,0} × cols {1,2}  → 4, 4 tie             first index 1
    //                      (1,0): rows {1,2}  × cols {−1,0} → only x(1,0) = −3     index 3
    //                      (1,1): rows {1,2}  × cols {1,2}  → 4, −2                index 4
    // Zero padding would have made windows (0,0) and (1,0) output 0 instead of −1 and −3.
    // dy = [[1, 2], [4, 8]]
    static let paddedX: [[Double]] = [[-1, 4, 4], [-3, 4, -2]]
    static let paddedOptions = Pool2DOptions(.max, window: 2, stride: 2, padding: 1, layout: .nchw)

    @Test func paddedForwardAndIndices() throws {
        let (y, indices, _) = try Self.run(
            try Self.plane(Self.paddedX), try Self.plane(Self.overlapDy), Self.paddedOptions, .first)
        #expect(try Self.plane([[-1, 4], [-3, 4]]) == y)
        #expect(indices?.scalars == [0, 1, 3, 4])
    }

    @Test func paddedFirst() throws {
        let (_, _, dx) = try Self.run(
            try Self.plane(Self.paddedX), try Self.plane(Self.overlapDy), Self.paddedOptions, .first)
        #expect(try Self.plane([[1, 2, 0], [4, 8, 0]]) == dx)
    }

    @Test func paddedAll() throws {
        // Window (0,1) gives 2 to both tied 4s.
        let (_, _, dx) = try Self.run(
            try Self.plane(Self.paddedX), try Self.plane(Self.overlapDy), Self.paddedOptions, .all)
        #expect(try Self.plane([[1, 2, 2], [4, 8, 0]]) == dx)
    }

    @Test func paddedSplitEvenly() throws {
        // Window (0,1) gives 2 / 2 = 1 to each tied 4.
        let (_, _, dx) = try Self.run(
            try Self.plane(Self.paddedX), try Self.plane(Self.overlapDy), Self.paddedOptions, .splitEvenly)
        #expect(try Self.plane([[1, 1, 1], [4, 8, 0]]) == dx)
    }

    // MARK: All-equal windows, overlapping, with padding 1 (window 3, stride 1)

    // x = [[7, 7], [7, 7]]: every 3×3 window (rows −1…1 or 0…2, clipped to the input) holds
    // all four 7s, so y = 7 everywhere and every index is 0. dy = [[1, 2], [4, 8]], total 15.
    // .first: all 15 to x(0,0). .all: 15 to every element. .splitEvenly: 15 / 4 = 3.75 each.
    static let equalX: [[Double]] = [[7, 7], [7, 7]]
    static let equalOptions = Pool2DOptions(.max, window: 3, stride: 1, padding: 1, layout: .nchw)

    @Test(arguments: [
        (MaxTiePolicy.first, [[15.0, 0], [0, 0]]),
        (MaxTiePolicy.all, [[15.0, 15], [15, 15]]),
        (MaxTiePolicy.splitEvenly, [[3.75, 3.75], [3.75, 3.75]]),
    ])
    func allEqualWindowsWithPadding(_ policy: MaxTiePolicy, _ expected: [[Double]]) throws {
        let (y, indices, dx) = try Self.run(
            try Self.plane(Self.equalX), try Self.plane(Self.overlapDy), Self.equalOptions, policy)
        #expect(try Self.plane([[7, 7], [7, 7]]) == y)
        #expect(indices?.scalars == [0, 0, 0, 0])
        #expect(try Self.plane(expected) == dx)
    }

    // x = [[7, 7], [7, 7]] with padding 0, window 2: one window of four equal values; dy = [[6]].
    // .first: 6 to x(0,0). .all: 6 to each. .splitEvenly: 6 / 4 = 1.5 each.
    @Test(arguments: [
        (MaxTiePolicy.first, [[6.0, 0], [0, 0]]),
        (MaxTiePolicy.all, [[6.0, 6], [6, 6]]),
        (MaxTiePolicy.splitEvenly, [[1.5, 1.5], [1.5, 1.5]]),
    ])
    func allEqualWindowNoPadding(_ policy: MaxTiePolicy, _ expected: [[Double]]) throws {
        let options = Pool2DOptions(.max, window: 2, padding: 0, layout: .nchw)
        let (y, indices, dx) = try Self.run(try Self.plane(Self.equalX), try Self.plane([[6]]), options, policy)
        #expect(y.scalars == [7])
        #expect(indices?.scalars == [0])
        #expect(try Self.plane(expected) == dx)
    }

    // MARK: NaN in a window

    // x = [[1,   NaN, 3],   window 2, stride 1 → one row of two windows:
    //      [NaN, 5,   2]]   (0,0): {1, NaN, NaN, 5} → NaN; NaNs at (0,1) and (1,0); first (0,1) = index 1
    //                       (0,1): {NaN, 3, 5, 2}   → NaN at (0,1) only = index 1
    // (PyTorch's CPU kernel would pick the last NaN, (1,0) = index 3, for window (0,0).)
    // dy = [[1, 2]]
    static let nanX: [[Double]] = [[1, .nan, 3], [.nan, 5, 2]]
    static let nanOptions = Pool2DOptions(.max, window: 2, stride: 1, layout: .nchw)

    @Test func nanForwardAndIndices() throws {
        let (y, indices, _) = try Self.run(try Self.plane(Self.nanX), try Self.plane([[1, 2]]), Self.nanOptions, .first)
        #expect(y.shape == [1, 1, 1, 2])
        #expect(y.scalars.allSatisfy { $0.isNaN })
        #expect(indices?.scalars == [1, 1])
    }

    @Test(arguments: [
        // .first: (0,1) gets 1 + 2.
        (MaxTiePolicy.first, [[0.0, 3, 0], [0, 0, 0]]),
        // .all: window (0,0) gives 1 to both NaNs; window (0,1) gives 2 to (0,1).
        (MaxTiePolicy.all, [[0.0, 3, 0], [1, 0, 0]]),
        // .splitEvenly: window (0,0) gives 1/2 to each NaN; window (0,1) gives 2 to (0,1).
        (MaxTiePolicy.splitEvenly, [[0.0, 2.5, 0], [0.5, 0, 0]]),
    ])
    func nanBackward(_ policy: MaxTiePolicy, _ expected: [[Double]]) throws {
        let (_, _, dx) = try Self.run(try Self.plane(Self.nanX), try Self.plane([[1, 2]]), Self.nanOptions, policy)
        #expect(try Self.plane(expected) == dx)
    }

    // x = [[1, NaN, 2, 3],   window 2, stride 2: window (0,0) = {1, NaN, 4, 0} → NaN at index 1
    //      [4, 0,   9, 1]]   (the NaN comes after a larger number); window (0,1) = {2, 3, 9, 1} → 9
    //                        at index 6: the NaN does not leak into its neighbour.
    @Test func nanPropagatesOnlyToItsWindow() throws {
        let x = try Self.plane([[1, .nan, 2, 3], [4, 0, 9, 1]])
        let (y, indices, dx) = try Self.run(x, try Self.plane([[1, 2]]), Pool2DOptions(.max, window: 2, layout: .nchw), .first)
        #expect(y.scalars[0].isNaN)
        #expect(y.scalars[1] == 9)
        #expect(indices?.scalars == [1, 6])
        #expect(try Self.plane([[0, 1, 0, 0], [0, 0, 2, 0]]) == dx)
    }

    // A NaN in the first position still wins over a later larger number: {NaN, 8} → NaN, index 0.
    @Test func leadingNaNIsTheMaximum() throws {
        let (y, indices, _) = try Self.run(
            try Self.plane([[.nan, 8]]), try Self.plane([[1]]), Pool2DOptions(.max, window: Size2D(1, 2), layout: .nchw),
            .all)
        #expect(y.scalars[0].isNaN)
        #expect(indices?.scalars == [0])
    }

    // MARK: NHWC, two channels handled independently

    // Channel 0 is the overlapping example above (dy = [[1, 2], [4, 8]]); channel 1 is all zeros
    // with dy = 1 everywhere, so each 2×2 window ties four ways:
    // .first: each window's first element, (0,0), (0,1), (1,0), (1,1), gets 1.
    // .all: every element gets 1 per window covering it: corners 1, edges 2, centre 4.
    // .splitEvenly: the same counts divided by 4.
    @Test(arguments: [
        (MaxTiePolicy.first, [[0.0, 3, 0], [4, 0, 0], [0, 8, 0]], [[1.0, 1, 0], [1, 1, 0], [0, 0, 0]]),
        (MaxTiePolicy.all, [[0.0, 3, 2], [5, 0, 0], [0, 12, 0]], [[1.0, 2, 1], [2, 4, 2], [1, 2, 1]]),
        (MaxTiePolicy.splitEvenly, [[0.0, 1.5, 1], [2.5, 0, 0], [0, 10, 0]],
         [[0.25, 0.5, 0.25], [0.5, 1, 0.5], [0.25, 0.5, 0.25]]),
    ])
    func nhwcChannelsIndependent(_ policy: MaxTiePolicy, _ channel0: [[Double]], _ channel1: [[Double]]) throws {
        func nhwc(_ a: [[Double]], _ b: [[Double]]) throws -> Tensor<Double> {
            try Tensor(
                shape: [1, a.count, a[0].count, 2],
                scalars: zip(a.flatMap { $0 }, b.flatMap { $0 }).flatMap { [$0, $1] })
        }
        let zeros = [[0.0, 0, 0], [0, 0, 0], [0, 0, 0]]
        let x = try nhwc(Self.overlapX, zeros)
        let dy = try nhwc(Self.overlapDy, [[1, 1], [1, 1]])
        let (y, indices, dx) = try Self.run(x, dy, Pool2DOptions(.max, window: 2, stride: 1), policy)
        #expect(try nhwc([[3, 3], [3, 3]], [[0, 0], [0, 0]]) == y)
        // Indices per channel, interleaved in NHWC order: channel 0 [1, 1, 3, 7], channel 1 [0, 1, 3, 4].
        #expect(indices?.scalars == [1, 0, 1, 1, 3, 3, 7, 4])
        #expect(try nhwc(channel0, channel1) == dx)
    }
}
