import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// A batch of zero images is valid input and gives empty results, never a trap.
@Suite struct EmptyBatchTests {
    @Test(arguments: TensorLayout.allCases)
    func poolingAnEmptyBatch(_ layout: TensorLayout) throws {
        for mode in PoolMode.allCases {
            let x = try Tensor<Float>(zeros: layout == .nhwc ? [0, 4, 4, 2] : [0, 2, 4, 4])
            let (y, cache) = try pool2dForward(x, options: Pool2DOptions(mode, window: 2, stride: 1, layout: layout))
            #expect(y.shape == (layout == .nhwc ? [0, 3, 3, 2] : [0, 2, 3, 3]))
            #expect(try pool2dBackward(y, cache: cache).shape == x.shape)
        }
    }

    @Test(arguments: TensorLayout.allCases)
    func convolvingAnEmptyBatch(_ layout: TensorLayout) throws {
        for algorithm in ConvAlgorithm.allCases {
            let x = try Tensor<Float>(zeros: layout == .nhwc ? [0, 4, 4, 2] : [0, 2, 4, 4])
            let w = try Tensor<Float>(zeros: layout == .nhwc ? [3, 3, 2, 5] : [5, 2, 3, 3])
            let (y, cache) = try conv2dForward(x, weight: w, bias: Tensor([0, 0, 0, 0, 0]), options: Conv2DOptions(padding: 1, layout: layout, algorithm: algorithm))
            #expect(y.count == 0)
            let gradients = try conv2dBackward(y, cache: cache)
            #expect(gradients.input.shape == x.shape)
            #expect(gradients.weight.scalars.allSatisfy { $0 == 0 } && gradients.weight.shape == w.shape)
        }
    }
}
