/// Every example of the course material ("Convolution model, step by step", cs231n's
/// convolution checks and the loop-free derivation's helpers), with the published values.
///
/// `convkit demo` prints them; the tests assert them.
public enum CourseExamples {
    /// The examples in the order of the course.
    public static let all: [CourseExample] = [
        zeroPadExample, convSingleStepExample, convForwardExample, convForwardPad2Example,
        poolForwardStride1Example, poolForwardStride2Example, poolForwardSingleExample,
        convBackwardExample, createMaskExample, distributeValueExample, poolBackwardExample,
        cs231nConvExample, cs231nPoolExample, randintExample, dilateExample,
    ]

    static let zeroPadExample = CourseExample(
        title: "zero_pad",
        code: "np.random.seed(1); x = np.random.randn(4, 3, 3, 2); x_pad = zero_pad(x, 3)"
    ) {
        var rng = NumPyRandomState(seed: 1)
        let x = try rng.randn(4, 3, 3, 2)
        let xPad = try zeroPad(x, pad: 3)
        return [
            .shape("x.shape", x.shape, expected: [4, 3, 3, 2]),
            .shape("x_pad.shape", xPad.shape, expected: [4, 9, 9, 2]),
            .printed(
                "x[1, 1]", try x.slice(1, 1),
                expected: [0.90085595, -0.68372786, -0.12289023, -0.93576943, -0.26788808, 0.53035547],
                shape: [3, 2]),
            .printed("x_pad[1, 1]", try xPad.slice(1, 1), expected: Array(repeating: 0, count: 18), shape: [9, 2]),
        ]
    }

    static let convSingleStepExample = CourseExample(
        title: "conv_single_step",
        code: "np.random.seed(1); a_slice_prev = np.random.randn(4, 4, 3); W = np.random.randn(4, 4, 3); "
            + "b = np.random.randn(1, 1, 1); Z = conv_single_step(a_slice_prev, W, b)"
    ) {
        var rng = NumPyRandomState(seed: 1)
        let aSlicePrev = try rng.randn(4, 4, 3)
        let W = try rng.randn(4, 4, 3)
        let b = try rng.randn(1, 1, 1)
        return [.scalar("Z", try convSingleStep(aSlicePrev, W, b), expected: -6.999089450680221)]
    }

    static let convForwardExample = CourseExample(
        title: "conv_forward",
        code: "np.random.seed(1); A_prev = np.random.randn(2, 5, 7, 4); W = np.random.randn(3, 3, 4, 8); "
            + "b = np.random.randn(1, 1, 1, 8); hparameters = {\"pad\": 1, \"stride\": 2}; "
            + "Z, cache_conv = conv_forward(A_prev, W, b, hparameters)"
    ) {
        var rng = NumPyRandomState(seed: 1)
        let APrev = try rng.randn(2, 5, 7, 4)
        let W = try rng.randn(3, 3, 4, 8)
        let b = try rng.randn(1, 1, 1, 8)
        let (Z, cache) = try convForward(APrev, W, b, hparameters: ["pad": 1, "stride": 2])
        return [
            .scalar("np.mean(Z)", Z.mean(), expected: 0.5511276474566768),
            .printed(
                "Z[0, 2, 1]", try Z.slice(0, 2, 1),
                expected: [-2.17796037, 8.07171329, -0.5772704, 3.36286738, 4.48113645, -2.89198428,
                           10.99288867, 3.03171932],
                shape: [8]),
            .printed(
                "cache_conv[0][1][2][3]", try cache.aPrev.slice(1, 2, 3),
                expected: [-1.1191154, 1.9560789, -0.3264995, -1.34267579], shape: [4]),
        ]
    }

    static let convForwardPad2Example = CourseExample(
        title: "conv_forward",
        code: "np.random.seed(1); A_prev = np.random.randn(10, 8, 8, 4); W = np.random.randn(3, 3, 4, 8); "
            + "b = np.random.randn(1, 1, 1, 8); hparameters = {\"pad\": 2, \"stride\": 2}; "
            + "Z, cache_conv = conv_forward(A_prev, W, b, hparameters)"
    ) {
        var rng = NumPyRandomState(seed: 1)
        let APrev = try rng.randn(10, 8, 8, 4)
        let W = try rng.randn(3, 3, 4, 8)
        let b = try rng.randn(1, 1, 1, 8)
        let (Z, _) = try convForward(APrev, W, b, hparameters: ["pad": 2, "stride": 2])
        return [
            .scalar("np.mean(Z)", Z.mean(), expected: -0.1282614539128993),
            .printed(
                "Z[3, 2, 1]", try Z.slice(3, 2, 1),
                expected: [4.98925312, -0.12934609, 6.77487928, -6.44934224, 1.80531313, 8.75470928,
                           -2.85387942, -2.65858316],
                shape: [8]),
        ]
    }

    static let poolForwardStride1Example = CourseExample(
        title: "pool_forward",
        code: "np.random.seed(1); A_prev = np.random.randn(2, 5, 5, 3); hparameters = {\"stride\": 1, \"f\": 3}; "
            + "A, cache = pool_forward(A_prev, hparameters, mode)"
    ) {
        var rng = NumPyRandomState(seed: 1)
        let APrev = try rng.randn(2, 5, 5, 3)
        let hparameters = ["stride": 1, "f": 3]
        let (maxA, _) = try poolForward(APrev, hparameters: hparameters, mode: .max)
        let (averageA, _) = try poolForward(APrev, hparameters: hparameters, mode: .average)
        return [
            .printed(
                "mode = max: A[1, 1]", try maxA.slice(1, 1),
                expected: [1.96710175, 0.84616065, 1.27375593, 1.96710175, 0.84616065, 1.23616403,
                           1.62765075, 1.12141771, 1.2245077],
                shape: [3, 3]),
            .printed(
                "mode = average: A[1, 1]", try averageA.slice(1, 1),
                expected: [0.44497696, -0.00261695, -0.31040307, 0.50811474, -0.23493734, -0.23961183,
                           0.11872677, 0.17255229, -0.22112197],
                shape: [3, 3]),
        ]
    }

    static let poolForwardStride2Example = CourseExample(
        title: "pool_forward",
        code: "np.random.seed(1); A_prev = np.random.randn(2, 5, 5, 3); hparameters = {\"stride\": 2, \"f\": 3}; "
            + "A, cache = pool_forward(A_prev, hparameters, mode)"
    ) {
        var rng = NumPyRandomState(seed: 1)
        let APrev = try rng.randn(2, 5, 5, 3)
        let hparameters = ["stride": 2, "f": 3]
        let (maxA, _) = try poolForward(APrev, hparameters: hparameters, mode: .max)
        let (averageA, _) = try poolForward(APrev, hparameters: hparameters, mode: .average)
        return [
            .printed(
                "mode = max: A[0]", try maxA.slice(0),
                expected: [1.74481176, 0.90159072, 1.65980218, 1.74481176, 1.6924546, 1.65980218,
                           1.13162939, 1.51981682, 2.18557541, 1.13162939, 1.6924546, 2.18557541],
                shape: [2, 2, 3]),
            .printed(
                "mode = average: A[1]", try averageA.slice(1),
                expected: [-0.17313416, 0.32377198, -0.34317572, 0.02030094, 0.14141479, -0.01231585,
                           0.42944926, 0.08446996, -0.27290905, 0.15077452, 0.28911175, 0.00123239],
                shape: [2, 2, 3]),
        ]
    }

    static let poolForwardSingleExample = CourseExample(
        title: "pool_forward",
        code: "np.random.seed(1); A_prev = np.random.randn(1, 5, 5, 3); hparameters = {\"stride\": 2, \"f\": 3}; "
            + "A, cache = pool_forward(A_prev, hparameters, mode = \"average\")"
    ) {
        var rng = NumPyRandomState(seed: 1)
        let APrev = try rng.randn(1, 5, 5, 3)
        let (A, _) = try poolForward(APrev, hparameters: ["stride": 2, "f": 3], mode: .average)
        return [
            .printed(
                "A", A,
                expected: [-0.03010467, -0.00324021, -0.33629886, 0.12893444, 0.22242847, 0.1250676,
                           -0.38268052, 0.23257995, 0.6259979, -0.09525515, 0.268511, 0.46605637],
                shape: [1, 2, 2, 3]),
        ]
    }

    static let convBackwardExample = CourseExample(
        title: "conv_backward",
        code: "np.random.seed(1); A_prev = np.random.randn(10, 4, 4, 3); W = np.random.randn(2, 2, 3, K); "
            + "b = np.random.randn(1, 1, 1, K); hparameters = {\"pad\": 2, \"stride\": 2}; "
            + "Z, cache_conv = conv_forward(A_prev, W, b, hparameters); dA, dW, db = conv_backward(Z, cache_conv)"
    ) {
        var checks: [CourseCheck] = []
        let published: [(k: Int, dA: Double, dW: Double, db: Double)] = [
            (8, 1.4524377775388078, 1.72699145831391, 7.839232564616832),
            (6, -0.9683520023516613, -3.028451139022465, 41.04575496729348),
        ]
        for (k, dAMean, dWMean, dbMean) in published {
            var rng = NumPyRandomState(seed: 1)
            let APrev = try rng.randn(10, 4, 4, 3)
            let W = try rng.randn(2, 2, 3, k)
            let b = try rng.randn(1, 1, 1, k)
            let (Z, cache) = try convForward(APrev, W, b, hparameters: ["pad": 2, "stride": 2])
            let (dA, dW, db) = try convBackward(Z, cache: cache)
            checks += [
                .scalar("K = \(k): np.mean(dA)", dA.mean(), expected: dAMean),
                .scalar("K = \(k): np.mean(dW)", dW.mean(), expected: dWMean),
                .scalar("K = \(k): np.mean(db)", db.mean(), expected: dbMean),
            ]
        }
        return checks
    }

    static let createMaskExample = CourseExample(
        title: "create_mask_from_window",
        code: "np.random.seed(1); x = np.random.randn(2, 3); mask = create_mask_from_window(x); "
            + "create_mask_from_window(np.array([[-1, 2, 3], [2, -3, 2], [1, 5, -2]]))"
    ) {
        var rng = NumPyRandomState(seed: 1)
        let x = try rng.randn(2, 3)
        let y = try Tensor<Double>(shape: [3, 3], scalars: [-1, 2, 3, 2, -3, 2, 1, 5, -2])
        return [
            .exact(
                "mask", try createMaskFromWindow(x),
                expected: Tensor(uncheckedShape: [2, 3], scalars: [true, false, false, false, false, false])),
            .exact(
                "mask of [[-1 2 3] [2 -3 2] [1 5 -2]]", try createMaskFromWindow(y),
                expected: Tensor(uncheckedShape: [3, 3], scalars: (0..<9).map { $0 == 7 })),
        ]
    }

    static let distributeValueExample = CourseExample(
        title: "distribute_value",
        code: "a = distribute_value(2, (2, 2)); distribute_value(25, (3, 3))"
    ) {
        [
            .printed("distribute_value(2, (2, 2))", try distributeValue(2.0, shape: (2, 2)),
                     expected: Array(repeating: 0.5, count: 4), shape: [2, 2]),
            .printed("distribute_value(25, (3, 3))", try distributeValue(25.0, shape: (3, 3)),
                     expected: Array(repeating: 2.77777778, count: 9), shape: [3, 3]),
        ]
    }

    static let poolBackwardExample = CourseExample(
        title: "pool_backward",
        code: "np.random.seed(1); A_prev = np.random.randn(5, 5, 3, 2); hparameters = {\"stride\": 1, \"f\": 2}; "
            + "A, cache = pool_forward(A_prev, hparameters); dA = np.random.randn(5, 4, 2, 2); "
            + "dA_prev = pool_backward(dA, cache, mode)"
    ) {
        var rng = NumPyRandomState(seed: 1)
        let APrev = try rng.randn(5, 5, 3, 2)
        let (_, cache) = try poolForward(APrev, hparameters: ["stride": 1, "f": 2])
        let dA = try rng.randn(5, 4, 2, 2)
        let maxGradient = try poolBackward(dA, cache: cache, mode: .max)
        let averageGradient = try poolBackward(dA, cache: cache, mode: .average)
        return [
            .scalar("np.mean(dA)", dA.mean(), expected: 0.14571390272918056),
            .printed("mode = max: dA_prev[1, 1]", try maxGradient.slice(1, 1),
                     expected: [0, 0, 5.05844394, -1.68282702, 0, 0], shape: [3, 2]),
            .printed("mode = average: dA_prev[1, 1]", try averageGradient.slice(1, 1),
                     expected: [0.08485462, 0.2787552, 1.26461098, -0.25749373, 1.17975636, -0.53624893],
                     shape: [3, 2]),
        ]
    }

    static let cs231nConvExample = CourseExample(
        title: "cs231n conv_forward_naive",
        code: "x = np.linspace(-0.1, 0.5, num=2*3*4*4).reshape(2, 3, 4, 4); "
            + "w = np.linspace(-0.2, 0.3, num=3*3*4*4).reshape(3, 3, 4, 4); b = np.linspace(-0.1, 0.2, num=3); "
            + "out, _ = conv_forward_naive(x, w, b, {'stride': 2, 'pad': 1})"
    ) {
        let x = try Tensor<Double>(linspace: -0.1, 0.5, shape: [2, 3, 4, 4])
        let w = try Tensor<Double>(linspace: -0.2, 0.3, shape: [3, 3, 4, 4])
        let b = try Tensor<Double>(linspace: -0.1, 0.2, shape: [3])
        let (out, _) = try conv2dForward(x, weight: w, bias: b, options: Conv2DOptions(stride: 2, padding: 1, layout: .nchw))
        return [
            .printed("out[0, 0]", try out.slice(0, 0),
                     expected: [-0.08759809, -0.10987781, -0.18387192, -0.2109216], shape: [2, 2]),
            .printed("out[1, 2]", try out.slice(1, 2),
                     expected: [2.36270298, 2.36904306, 2.38090835, 2.38247847], shape: [2, 2]),
        ]
    }

    static let cs231nPoolExample = CourseExample(
        title: "cs231n max_pool_forward_naive",
        code: "x = np.linspace(-0.3, 0.4, num=2*3*4*4).reshape(2, 3, 4, 4); "
            + "out, _ = max_pool_forward_naive(x, {'pool_width': 2, 'pool_height': 2, 'stride': 2})"
    ) {
        let x = try Tensor<Double>(linspace: -0.3, 0.4, shape: [2, 3, 4, 4])
        let (out, _) = try pool2dForward(x, options: Pool2DOptions(.max, window: 2, layout: .nchw))
        return [
            .printed("out[0, 0]", try out.slice(0, 0),
                     expected: [-0.26315789, -0.24842105, -0.20421053, -0.18947368], shape: [2, 2]),
            .printed("out[1, 2]", try out.slice(1, 2),
                     expected: [0.32631579, 0.34105263, 0.38526316, 0.4], shape: [2, 2]),
        ]
    }

    static let randintExample = CourseExample(
        title: "np.random.randint",
        code: "np.random.seed(1); np.random.randint(10, size=(3, 3)); "
            + "np.random.seed(10); np.random.randint(0, 10, size=(2, 2, 3, 3))[0, 0]"
    ) {
        var rng = NumPyRandomState(seed: 1)
        let first = try rng.randint(10, shape: [3, 3])
        rng.seed(10)
        let second = try rng.randint(0, 10, shape: [2, 2, 3, 3]).slice(0, 0)
        return [
            .exact("randint(10, size=(3, 3))", first,
                   expected: Tensor(uncheckedShape: [3, 3], scalars: [5, 8, 9, 5, 0, 0, 1, 7, 6])),
            .exact("randint(0, 10, size=(2, 2, 3, 3))[0, 0]", second,
                   expected: Tensor(uncheckedShape: [3, 3], scalars: [9, 4, 0, 1, 9, 0, 1, 8, 9])),
        ]
    }

    static let dilateExample = CourseExample(
        title: "dilate2D",
        code: "dilate2D(np.array([[1, 2, 3, 4, 5], [4, 5, 6, 7, 8], [5, 6, 7, 8, 9]]), (2, 3)); "
            + "np.random.seed(10); dilate2D(np.random.randint(0, 10, size=(2, 2, 3, 3)), (2, 3)).shape"
    ) {
        let matrix = try Tensor<Int>(shape: [3, 5], scalars: [1, 2, 3, 4, 5, 4, 5, 6, 7, 8, 5, 6, 7, 8, 9])
        // The values land on rows 0, 2, 4 and columns 0, 3, 6, 9, 12; zeros elsewhere.
        var expected = [Int](repeating: 0, count: 5 * 13)
        for (i, value) in matrix.scalars.enumerated() { expected[(i / 5) * 2 * 13 + (i % 5) * 3] = value }
        var rng = NumPyRandomState(seed: 10)
        let batch = try rng.randint(0, 10, shape: [2, 2, 3, 3])
        return [
            .exact("dilate2D(matrix, (2, 3))", try dilate2D(matrix, rate: Size2D(2, 3)),
                   expected: Tensor(uncheckedShape: [5, 13], scalars: expected)),
            .shape("dilate2D(batch, (2, 3)).shape", try dilate2D(batch, rate: Size2D(2, 3)).shape,
                   expected: [2, 2, 5, 7]),
        ]
    }
}
