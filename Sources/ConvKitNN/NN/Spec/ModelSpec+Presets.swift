import ConvKitCore
extension ModelSpec {
    /// The names ``preset(named:)`` knows: `"digits"` and `"mnist"`.
    public static let presetNames = ["digits", "mnist"]

    /// The reference model for scikit-learn's 8×8 digits (the `digits` model of
    /// `bench/pytorch_train.py`): `8x8x1 → conv 16 3x3 same → relu → maxpool 2 → conv 32 3x3 same
    /// → relu → maxpool 2 → flatten 128 → dense 10`, 6,090 parameters.
    public static let digits = ModelSpec(
        inputShape: [8, 8, 1],
        layers: [
            .conv2d(filters: 16, kernel: 3, stride: 1, padding: .same, bias: true), .relu,
            .maxPool(window: 2, stride: 2),
            .conv2d(filters: 32, kernel: 3, stride: 1, padding: .same, bias: true), .relu,
            .maxPool(window: 2, stride: 2),
            .flatten, .dense(units: 10, bias: true),
        ])

    /// The reference model for MNIST (the `mnist` model of `bench/pytorch_train.py`):
    /// `28x28x1 → conv 32 3x3 valid → relu → maxpool 2 → conv 64 3x3 valid → relu → maxpool 2
    /// → flatten 1600 → dense 10`, 34,826 parameters.
    public static let mnist = ModelSpec(
        inputShape: [28, 28, 1],
        layers: [
            .conv2d(filters: 32, kernel: 3, stride: 1, padding: .valid, bias: true), .relu,
            .maxPool(window: 2, stride: 2),
            .conv2d(filters: 64, kernel: 3, stride: 1, padding: .valid, bias: true), .relu,
            .maxPool(window: 2, stride: 2),
            .flatten, .dense(units: 10, bias: true),
        ])

    /// The preset called `name` (case-insensitive), or `nil`.
    public static func preset(named name: String) -> ModelSpec? {
        switch name.lowercased() {
        case "digits": return digits
        case "mnist": return mnist
        default: return nil
        }
    }
}
