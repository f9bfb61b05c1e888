import ArgumentParser
import ConvKit
import Foundation

/// `convkit evaluate`: a checkpoint's accuracy and confusion matrix on a test set.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate", abstract: "Accuracy and confusion matrix of a checkpoint on a test set.")

    @Option(help: "A checkpoint written by convkit train.")
    var checkpoint: String

    @Option(help: "An MNIST-style IDX folder or an .npz (default: the embedded digits' test split).")
    var data: String?

    func run() throws {
        let (trainer, classes) = try Checkpoint.read(contentsOf: URL(fileURLWithPath: checkpoint))
        let test = try TrainingData.load(data).test
        try trainer.model.checkFits(test, source: data ?? "the embedded digits")
        let (loss, _) = try trainer.model.evaluate(test.images, labels: test.labels)
        let matrix = try trainer.model.confusionMatrix(test.images, labels: test.labels, classes: max(classes, test.classCount))
        print(String(format: "test accuracy %.2f%%, loss %.4f (%d images)", 100 * matrix.accuracy, loss, test.count))
        print("confusion matrix (rows: true class, columns: predicted):\n\(matrix)")
    }
}
