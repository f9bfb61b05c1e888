import ConvKitCore
/// PNG's five per-row filter types (PNG spec §9), which predict each byte from its left,
/// upper and upper-left neighbours so that deflate sees small residuals.
enum PNGFilter: UInt8, CaseIterable {
    case none = 0, sub = 1, up = 2, average = 3, paeth = 4

    /// The Paeth predictor: whichever of left, up and upper-left is closest to left + up − upper-left.
    @inline(__always)
    static func paethPredictor(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let p = Int(a) + Int(b) - Int(c)
        let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }

    /// Reverses the filter of one row in place.
    ///
    /// - Parameters:
    ///   - row: the filtered bytes of the row (without the filter-type byte).
    ///   - previous: the unfiltered previous row, or nil for the first row of a pass (all zeros).
    ///   - bytesPerPixel: the distance to the "left" byte, at least 1.
    func unfilter(_ row: inout ArraySlice<UInt8>, previous: ArraySlice<UInt8>?, bytesPerPixel: Int) {
        let count = row.count
        let r = row.startIndex
        let bpp = bytesPerPixel
        switch self {
        case .none:
            return
        case .sub:
            if count > bpp {
                for i in bpp..<count { row[r + i] = row[r + i] &+ row[r + i - bpp] }
            }
        case .up:
            guard let previous else { return }
            let q = previous.startIndex
            for i in 0..<count { row[r + i] = row[r + i] &+ previous[q + i] }
        case .average:
            let q = previous?.startIndex ?? 0
            for i in 0..<count {
                let left = i >= bpp ? Int(row[r + i - bpp]) : 0
                let up = previous.map { Int($0[q + i]) } ?? 0
                row[r + i] = row[r + i] &+ UInt8((left + up) / 2)
            }
        case .paeth:
            let q = previous?.startIndex ?? 0
            for i in 0..<count {
                let left = i >= bpp ? row[r + i - bpp] : 0
                let up = previous?[q + i] ?? 0
                let upLeft = i >= bpp ? (previous?[q + i - bpp] ?? 0) : 0
                row[r + i] = row[r + i] &+ Self.paethPredictor(left, up, upLeft)
            }
        }
    }

    /// Applies the filter to one row: the residuals an encoder stores.
    ///
    /// - Parameter previous: the previous row's raw bytes, or nil for the first row.
    func filter(_ row: ArraySlice<UInt8>, previous: ArraySlice<UInt8>?, bytesPerPixel: Int, into output: inout [UInt8]) {
        let r = row.startIndex
        let q = previous?.startIndex ?? 0
        let bpp = bytesPerPixel
        for i in 0..<row.count {
            let x = row[r + i]
            let left = i >= bpp ? row[r + i - bpp] : 0
            let up = previous?[q + i] ?? 0
            let upLeft = i >= bpp ? (previous?[q + i - bpp] ?? 0) : 0
            let prediction: UInt8
            switch self {
            case .none: prediction = 0
            case .sub: prediction = left
            case .up: prediction = up
            case .average: prediction = UInt8((Int(left) + Int(up)) / 2)
            case .paeth: prediction = Self.paethPredictor(left, up, upLeft)
            }
            output.append(x &- prediction)
        }
    }
}
