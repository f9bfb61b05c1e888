import ConvKitCore
import Foundation

/// How the learning rate changes over training, counted in whatever unit the trainer chooses
/// (epochs or steps): `t = 0` is the start.
///
/// - ``constant``: `base`;
/// - ``step(every:gamma:)``: `base · gamma^⌊t / every⌋` (PyTorch's `StepLR`);
/// - ``cosine(total:minimum:)``: `minimum + (base − minimum) · (1 + cos(π · t / total)) / 2`,
///   reaching `minimum` at `t = total` and staying there (PyTorch's `CosineAnnealingLR`).
///
/// `description` is the text ``parse(_:)`` reads: `"constant"`, `"step 10 0.5"`, `"cosine 100 0"`.
public enum LearningRateSchedule: Sendable, Hashable, CustomStringConvertible {
    /// The base rate throughout.
    case constant
    /// The rate times `gamma` every `every` units.
    case step(every: Int, gamma: Double)
    /// Half a cosine from the base rate down to `minimum` over `total` units.
    case cosine(total: Int, minimum: Double)

    /// The learning rate at `t` (epochs or steps since the start) for a base rate `base`.
    public func learningRate(base: Double, at t: Int) -> Double {
        switch self {
        case .constant:
            return base
        case let .step(every, gamma):
            return base * Foundation.pow(gamma, Double(max(t, 0) / max(every, 1)))
        case let .cosine(total, minimum):
            let progress = Double(min(max(t, 0), total)) / Double(max(total, 1))
            return minimum + (base - minimum) * (1 + Foundation.cos(Double.pi * progress)) / 2
        }
    }

    /// The canonical text.
    public var description: String {
        switch self {
        case .constant: return "constant"
        case let .step(every, gamma): return "step \(every) \(numberText(gamma))"
        case let .cosine(total, minimum): return "cosine \(total) \(numberText(minimum))"
        }
    }

    /// Reads `constant`, `step EVERY GAMMA` or `cosine TOTAL [MINIMUM]` (minimum 0 by default).
    ///
    /// - Throws: ``ConvKitError`` from `"learning-rate schedule"` naming what was expected.
    public static func parse(_ text: String) throws -> LearningRateSchedule {
        let words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        func fail(_ expected: String) -> ConvKitError {
            ConvKitError("learning-rate schedule", "'\(text)': expected \(expected)")
        }
        switch words.first {
        case "constant" where words.count == 1:
            return .constant
        case "step":
            guard words.count == 3, let every = Int(words[1]), every >= 1, let gamma = Double(words[2]),
                  gamma >= 0, gamma.isFinite else { throw fail("'step EVERY GAMMA' like 'step 10 0.5'") }
            return .step(every: every, gamma: gamma)
        case "cosine":
            guard words.count == 2 || words.count == 3, let total = Int(words[1]), total >= 1 else {
                throw fail("'cosine TOTAL [MINIMUM]' like 'cosine 100 0'")
            }
            guard words.count == 2 else {
                guard let minimum = Double(words[2]), minimum >= 0, minimum.isFinite else {
                    throw fail("'cosine TOTAL [MINIMUM]' like 'cosine 100 0'")
                }
                return .cosine(total: total, minimum: minimum)
            }
            return .cosine(total: total, minimum: 0)
        default:
            throw fail("constant, 'step EVERY GAMMA' or 'cosine TOTAL [MINIMUM]'")
        }
    }
}
