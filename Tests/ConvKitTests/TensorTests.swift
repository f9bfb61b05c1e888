import Testing
@testable import ConvKit

@Suite struct TensorTests {
    @Test func reshapeInfersOneAxis() throws {
        let x = try Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(try x.reshaped([3, -1]).shape == [3, 2])
        #expect(throws: ConvKitError.self) { try x.reshaped([4, -1]) }
    }
}
