import ConvKit
import Foundation

/// Shows training progress: a live bar on a terminal, one line per epoch otherwise (CI, pipes).
struct ProgressDisplay {
    let live = isatty(STDOUT_FILENO) != 0
    private var lastDraw = 0.0

    mutating func batch(_ p: TrainingProgress) {
        guard live else { return }
        let now = Date().timeIntervalSinceReferenceDate
        guard now - lastDraw > 0.1 || p.batch == p.batches else { return }
        lastDraw = now
        let width = 24
        let filled = width * p.batch / max(p.batches, 1)
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let line = String(
            format: "\repoch %d/%d %@ %d/%d  loss %.4f  acc %.2f%%  %.0f img/s  ETA %.0fs ",
            p.epoch, p.epochs, bar, p.batch, p.batches, p.loss, 100 * p.accuracy, p.imagesPerSecond, p.secondsRemaining)
        FileHandle.standardOutput.write(Data(line.utf8))
    }

    func epoch(_ r: EpochRecord, of epochs: Int) {
        let line = String(
            format: "epoch %d/%d: loss %.4f, accuracy %.2f%%, test loss %.4f, test accuracy %.2f%%, %.2f s, %.0f images/s, lr %.2g",
            r.epoch, epochs, r.trainLoss, 100 * r.trainAccuracy, r.testLoss, 100 * r.testAccuracy, r.seconds,
            r.imagesPerSecond, r.learningRate)
        print((live ? "\r\u{1B}[2K" : "") + line)
    }
}
