import ConvKitCore
import Foundation

/// Softmax followed by cross-entropy against integer class labels, averaged over the batch
/// (PyTorch's `CrossEntropyLoss()` on logits), with its gradient and accuracy helpers.
///
/// Shapes: logits `[N, K]`, labels `N` class indices in `0..<K`; the gradient is `[N, K]`.
/// `loss = mean_n (log Σ_k exp(z[n, k]) − z[n, label[n]])`, computed with the row maximum
/// subtracted (log-sum-exp), so large logits do not overflow;
/// `∂loss/∂z[n, k] = (softmax(z[n])[k] − [k == label[n]]) / N`.
public enum SoftmaxCrossEntropy {
    /// The mean loss over the batch and its gradient with respect to the logits.
    ///
    /// - Throws: ``ConvKitError`` when logits are not `[N, K]` with N, K ≥ 1, the label count is
    ///   not N or a label is outside `0..<K`.
    public static func lossAndGradient<T: ConvKitFloat>(
        logits: Tensor<T>, labels: [Int]
    ) throws -> (loss: Double, gradient: Tensor<T>) {
        let (n, k) = try check(logits, labels, function: "SoftmaxCrossEntropy.lossAndGradient")
        var loss = 0.0
        let gradient = try Tensor<T>.filled(shape: [n, k]) { dz in
            logits.scalars.withUnsafeBufferPointer { z in
                labels.withUnsafeBufferPointer { labels in
                    loss = softmaxCrossEntropyForwardBackward(
                        dz: dz, z: z.baseAddress, labels: labels.baseAddress, n: n, k: k)
                }
            }
        }
        return (loss, gradient)
    }

    /// The mean loss over the batch (see ``lossAndGradient(logits:labels:)``).
    public static func loss<T: ConvKitFloat>(logits: Tensor<T>, labels: [Int]) throws -> Double {
        try lossAndGradient(logits: logits, labels: labels).loss
    }

    /// The softmax of each row, `[N, K]`.
    ///
    /// - Throws: ``ConvKitError`` when logits are not `[N, K]` with K ≥ 1.
    public static func probabilities<T: ConvKitFloat>(_ logits: Tensor<T>) throws -> Tensor<T> {
        guard logits.rank == 2, logits.shape[1] >= 1 else {
            throw ConvKitError("SoftmaxCrossEntropy.probabilities", "logits must be [N, K] with K ≥ 1, got \(shapeString(logits.shape))")
        }
        let k = logits.shape[1]
        var scalars = logits.scalars
        for row in 0..<logits.shape[0] {
            let base = row * k
            var maximum = -T.infinity
            for j in 0..<k { maximum = max(maximum, scalars[base + j]) }
            var sum = 0.0
            for j in 0..<k {
                let e = Foundation.exp(Double(scalars[base + j] - maximum))
                scalars[base + j] = T(e)
                sum += e
            }
            for j in 0..<k { scalars[base + j] = T(Double(scalars[base + j]) / sum) }
        }
        return Tensor(uncheckedShape: logits.shape, scalars: scalars)
    }

    /// The predicted class of each row: the index of its largest logit (the first on ties).
    ///
    /// - Throws: ``ConvKitError`` when logits are not `[N, K]` with K ≥ 1.
    public static func predictions<T: ConvKitFloat>(_ logits: Tensor<T>) throws -> [Int] {
        guard logits.rank == 2, logits.shape[1] >= 1 else {
            throw ConvKitError("SoftmaxCrossEntropy.predictions", "logits must be [N, K] with K ≥ 1, got \(shapeString(logits.shape))")
        }
        let k = logits.shape[1]
        return (0..<logits.shape[0]).map { row in
            var best = 0
            for j in 1..<max(k, 1) where logits.scalars[row * k + j] > logits.scalars[row * k + best] { best = j }
            return best
        }
    }

    /// How many rows predict their label.
    ///
    /// - Throws: ``ConvKitError`` when logits are not `[N, K]` or the label count is not N.
    public static func correctCount<T: ConvKitFloat>(logits: Tensor<T>, labels: [Int]) throws -> Int {
        let predicted = try predictions(logits)
        guard predicted.count == labels.count else {
            throw ConvKitError(
                "SoftmaxCrossEntropy.correctCount",
                "\(labels.count) labels for logits \(shapeString(logits.shape))")
        }
        return zip(predicted, labels).filter { $0 == $1 }.count
    }

    /// The fraction of rows that predict their label, in `[0, 1]`.
    ///
    /// - Throws: ``ConvKitError`` when logits are not `[N, K]` or the label count is not N.
    public static func accuracy<T: ConvKitFloat>(logits: Tensor<T>, labels: [Int]) throws -> Double {
        let correct = try correctCount(logits: logits, labels: labels)
        return labels.isEmpty ? 0 : Double(correct) / Double(labels.count)
    }

    private static func check<T>(_ logits: Tensor<T>, _ labels: [Int], function: String) throws -> (Int, Int) {
        guard logits.rank == 2, logits.shape[0] >= 1, logits.shape[1] >= 1 else {
            throw ConvKitError(function, "logits must be [N, K] with N, K ≥ 1, got \(shapeString(logits.shape))")
        }
        let (n, k) = (logits.shape[0], logits.shape[1])
        guard labels.count == n else {
            throw ConvKitError(function, "\(labels.count) labels for logits \(shapeString(logits.shape)): expected \(n)")
        }
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= k }) {
            throw ConvKitError(
                function, "label \(labels[bad]) at row \(bad) is outside 0..<\(k) (logits \(shapeString(logits.shape)))")
        }
        return (n, k)
    }
}

/// The fused forward and backward pass of softmax + cross-entropy; returns the mean loss.
///
/// z is (N, K), labels is (N); dz is (N, K)
@_specialize(where T == Float)
@_specialize(where T == Double)
func softmaxCrossEntropyForwardBackward<T: ConvKitFloat>(
    dz: UnsafeMutablePointer<T>, z: UnsafePointer<T>?, labels: UnsafePointer<Int>?, n: Int, k: Int
) -> Double {
    guard let z, let labels else { return .nan }
    var total = 0.0
    let invN = 1 / Double(n)
    for row in 0..<n {
        let (zRow, dzRow) = (z + row * k, dz + row * k)
        // loss[n] = log Σ_k exp(z[n, k] − max) + max − z[n, label]
        var maximum = zRow[0]
        for j in 1..<k where zRow[j] > maximum { maximum = zRow[j] }
        var sum = 0.0
        for j in 0..<k {
            let e = Foundation.exp(Double(zRow[j] - maximum))
            dzRow[j] = T(e)
            sum += e
        }
        let label = labels[row]
        total += Foundation.log(sum) + Double(maximum) - Double(zRow[label])
        // in the forward pass this was: loss = mean_n (logsumexp(z[n]) − z[n, label])
        // so now we have: dz[n, k] = (softmax(z[n])[k] − [k == label]) / N
        let scale = invN / sum
        for j in 0..<k { dzRow[j] = T(Double(dzRow[j]) * scale) }
        dzRow[label] -= T(invN)
    }
    return total * invN
}
