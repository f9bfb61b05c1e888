extension Tensor: CustomStringConvertible {
    /// The elements exactly as numpy's `print` shows an array of the same values, under the
    /// default print options.
    ///
    /// `Double` and `Float` tensors print like float64 and float32 arrays, integer tensors like
    /// integer arrays and `Bool` tensors like boolean arrays (`[ True False]`); any other
    /// element type prints each element's `String(describing:)`. A 0-d tensor prints its bare
    /// scalar and an empty tensor `[]`. Beyond 1000 elements, every axis longer than 6 shows
    /// only its first and last 3 entries, around `...`.
    ///
    /// ```swift
    /// print(try Tensor<Double>(shape: [2, 2], repeating: 0.5))
    /// // [[0.5 0.5]
    /// //  [0.5 0.5]]
    /// ```
    public var description: String {
        guard let first = scalars.first else { return "[]" }
        if rank == 0 { return Self.scalarText(first) }
        let edge = NumpyArrayLayout.edgeItems
        let summarised = count > NumpyArrayLayout.summaryThreshold
        let summarisedAxes = shape.map { summarised && $0 > 2 * edge }
        let kept = zip(shape, summarisedAxes).map { size, skipsMiddle in
            skipsMiddle ? Array(0..<edge) + Array(size - edge..<size) : Array(0..<size)
        }
        // numpy sizes the columns from the shown elements only.
        let shown = summarised ? elements(at: kept) : scalars
        let layout = NumpyArrayLayout(
            texts: Self.elementTexts(shown), shape: kept.map(\.count), summarisedAxes: summarisedAxes)
        return layout.render()
    }

    /// The elements at every combination of the kept indices of each axis, in row-major order.
    private func elements(at kept: [[Int]]) -> [Scalar] {
        let strides = self.strides
        var result = [Scalar]()
        result.reserveCapacity(kept.map(\.count).reduce(1, *))
        var position = Array(repeating: 0, count: rank)
        while true {
            var flat = 0
            for axis in 0..<rank { flat += kept[axis][position[axis]] * strides[axis] }
            result.append(scalars[flat])
            // Advance the positions like an odometer; stop when it wraps around.
            var axis = rank - 1
            while axis >= 0 {
                position[axis] += 1
                if position[axis] < kept[axis].count { break }
                position[axis] = 0
                axis -= 1
            }
            if axis < 0 { return result }
        }
    }

    private static func scalarText(_ value: Scalar) -> String {
        if let type = Scalar.self as? any NumpyFormattable.Type, let text = scalarText(of: value, as: type) {
            return text
        }
        return String(describing: value)
    }

    private static func elementTexts(_ values: [Scalar]) -> [String] {
        if let type = Scalar.self as? any NumpyFormattable.Type, let texts = texts(of: values, as: type) {
            return texts
        }
        // Like numpy's object arrays: each element as it describes itself, unpadded.
        return values.map { String(describing: $0) }
    }

    // The dispatch goes through `Scalar`'s type, not each value's, so that an optional
    // element type is not unwrapped by the cast.
    private static func scalarText<Element: NumpyFormattable>(
        of value: Scalar, as _: Element.Type
    ) -> String? {
        (value as? Element)?.numpyScalarText
    }

    private static func texts<Element: NumpyFormattable>(
        of values: [Scalar], as _: Element.Type
    ) -> [String]? {
        (values as? [Element]).map(Element.numpyElementTexts)
    }
}
