import Testing
@testable import ConvKitCore

/// `matrixMultiply` packs a stored B with the panel copy and a transposed one (a Dense or ONNX
/// Gemm weight) with the blocked transpose, or takes it packed beforehand (`PackedMatrix`, also
/// packed under another instruction set and re-laid): all give the same bits, whichever way A is
/// stored, and the product is A · B.
@Suite struct MatrixMultiplyTests {
    /// (m, n, depth): columns past every panel width (8, 16, 32), depths of one and of two blocks of 256.
    static let shapes = [(1, 33, 300), (9, 70, 257), (5, 1, 3), (17, 32, 512), (2, 1000, 64)]

    @Test func float() throws { try check(Float.self) }
    @Test func double() throws { try check(Double.self) }

    func check<T: ConvKitFloat>(_: T.Type) throws {
        for (m, n, depth) in Self.shapes {
            // A (m × depth) and B (depth × n), each also stored transposed.
            let a = (0..<m * depth).map { T(Double(($0 * 37) % 101) / 50 - 1) }
            let b = (0..<depth * n).map { T(Double(($0 * 53) % 97) / 48 - 1) }
            let at = (0..<depth * m).map { a[($0 % m) * depth + $0 / m] }
            let bt = (0..<n * depth).map { b[($0 % depth) * n + $0 / depth] }
            var results: [[T]] = []
            for (transA, transB) in [(false, false), (false, true), (true, false), (true, true)] {
                for threads in [1, 2] {
                    var c = [T](repeating: 0, count: m * n)
                    (transA ? at : a).withUnsafeBufferPointer { ap in
                        (transB ? bt : b).withUnsafeBufferPointer { bp in
                            c.withUnsafeMutableBufferPointer { cp in
                                matrixMultiply(
                                    m: m, n: n, depth: depth,
                                    a: MatrixOperand(base: ap.baseAddress!, leadingDimension: transA ? m : depth, transposed: transA),
                                    b: MatrixOperand(base: bp.baseAddress!, leadingDimension: transB ? depth : n, transposed: transB),
                                    c: cp.baseAddress!, ldc: n, accumulate: false, threads: threads)
                            }
                        }
                    }
                    results.append(c)
                }
            }
            // B packed once, under each instruction set this CPU has, and used under the active one.
            for isa in [KernelISA.generic, .avx2, .avx512] where isa <= KernelISA.detected {
                let packed = KernelISA.withActive(isa) {
                    bt.withUnsafeBufferPointer { bp in
                        PackedMatrix(MatrixOperand(base: bp.baseAddress!, leadingDimension: depth, transposed: true), depth: depth, columns: n)
                    }
                }
                var c = [T](repeating: 0, count: m * n)
                a.withUnsafeBufferPointer { ap in
                    c.withUnsafeMutableBufferPointer { cp in
                        matrixMultiply(
                            m: m, a: MatrixOperand(base: ap.baseAddress!, leadingDimension: depth, transposed: false), b: packed,
                            c: cp.baseAddress!, ldc: n, accumulate: false, threads: 2)
                    }
                }
                results.append(c)
            }
            for result in results.dropFirst() {
                #expect(result == results[0], "(m, n, depth) = (\(m), \(n), \(depth)): the packings disagree")
            }
            for i in 0..<m {
                for j in 0..<n {
                    var sum = 0.0, scale = 0.0
                    for p in 0..<depth {
                        let term = Double(a[i * depth + p]) * Double(b[p * n + j])
                        sum += term
                        scale += abs(term)
                    }
                    let error = abs(Double(results[0][i * n + j]) - sum)
                    #expect(error <= 1e-5 * max(scale, 1), "(\(m), \(n), \(depth)) C[\(i)][\(j)] = \(results[0][i * n + j]), want \(sum)")
                }
            }
        }
    }
}
