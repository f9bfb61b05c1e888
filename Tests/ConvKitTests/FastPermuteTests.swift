import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// The layout conversions on pointers agree with numpy's transpose, element for element.
@Suite struct FastPermuteTests {
    @Test(arguments: [[0, 2, 3, 1], [0, 3, 1, 2], [2, 3, 1, 0], [3, 2, 0, 1], [1, 0, 3, 2]])
    func agreesWithTransposed(_ axes: [Int]) throws {
        // Sizes that are not multiples of the 32 × 32 blocks, a C of 1, and one large enough
        // to run on several threads.
        for shape in [[2, 3, 5, 7], [3, 1, 9, 40], [2, 33, 7, 5], [4, 70, 17, 33], [1, 1, 1, 1]] {
            let x = Tensor<Double>(uncheckedShape: shape, scalars: (0..<shape.reduce(1, *)).map { Double($0) })
            let expected = try x.transposed(axes)
            for threads in [1, 3] {
                let y = Tensor.permuted4(x, axes, threads: threads)
                #expect(y.shape == expected.shape)
                #expect(y.scalars == expected.scalars, "\(shape) \(axes) threads \(threads)")
            }
        }
    }
}
