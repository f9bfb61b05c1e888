/// The sum of `values` in numpy's order (`pairwise_sum` in numpy's loops): blocks of up to 128
/// elements are summed in eight interleaved partial sums, larger arrays split in two.
///
/// Summing in the same order as numpy makes `np.sum`, `np.mean` and the course's
/// `conv_single_step` agree to the last bit, and is more accurate than a running sum.
public func pairwiseSum<T: FloatingPoint>(_ values: ArraySlice<T>) -> T {
    let n = values.count
    let start = values.startIndex
    if n < 8 {
        var sum: T = 0
        for value in values { sum += value }
        return sum
    }
    if n <= 128 {
        var r = (0..<8).map { values[start + $0] }
        var i = 8
        while i < n - n % 8 {
            for j in 0..<8 { r[j] += values[start + i + j] }
            i += 8
        }
        var sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        while i < n {
            sum += values[start + i]
            i += 1
        }
        return sum
    }
    var half = n / 2
    half -= half % 8
    return pairwiseSum(values[start ..< start + half]) + pairwiseSum(values[(start + half)...])
}

/// The sum of `values` in numpy's order; see ``pairwiseSum(_:)-(ArraySlice<T>)``.
public func pairwiseSum<T: FloatingPoint>(_ values: [T]) -> T { pairwiseSum(values[...]) }
