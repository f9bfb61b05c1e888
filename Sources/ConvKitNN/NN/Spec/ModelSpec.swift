import ConvKitCore
/// A model as text: an optional input shape and a list of layers, e.g.
/// `"input 8x8x1, conv 16 3x3 same, relu, maxpool 2, flatten, dense 10"`.
///
/// ``parse(_:)`` reads the text (or a preset name, `"digits"` or `"mnist"`); ``description``
/// writes the canonical text, which parses back to the same spec and is what checkpoints store.
/// ``Sequential/init(_:inputShape:seed:)`` builds the model.
///
/// The grammar, items separated by commas, words by spaces, case-insensitive:
/// - `input HxWxC` (only as the first item) or `input D`
/// - `conv FILTERS RxS [stride N|stride AxB] [valid|same|samelower|pad N|pad AxB|pad T B L R] [nobias]`
///   (padding defaults to `valid`; a kernel `3` means `3x3`)
/// - `maxpool N[xM] [stride N[xM]]`, `avgpool N[xM] [stride N[xM]]`, `globalavgpool`
/// - `relu`, `leakyrelu [ALPHA]` (0.01), `flatten`, `dense UNITS [nobias]`, `dropout RATE`,
///   `batchnorm [momentum M] [eps E]` (0.1, 1e-5)
public struct ModelSpec: Sendable, Hashable, CustomStringConvertible {
    /// The shape of one input sample (`[H, W, C]` or `[D]`), when the spec names it.
    public var inputShape: [Int]?
    /// The layers in order.
    public var layers: [LayerSpec]

    /// A spec from its parts.
    public init(inputShape: [Int]? = nil, layers: [LayerSpec]) {
        self.inputShape = inputShape
        self.layers = layers
    }

    /// The canonical text: `"input 8x8x1, conv 16 3x3 same, relu, …"`.
    public var description: String {
        var items = layers.map(\.description)
        if let inputShape {
            items.insert("input " + inputShape.map(String.init).joined(separator: "x"), at: 0)
        }
        return items.joined(separator: ", ")
    }
}
