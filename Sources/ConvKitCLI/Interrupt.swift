import Dispatch
import Foundation
import Synchronization

/// Turns SIGINT (Ctrl-C) and SIGTERM into a request to stop after the current batch. A second
/// signal quits at once, unless a checkpoint is being saved: then the process exits as soon as
/// the save is complete, so that a signal never leaves a half-written or missing checkpoint.
/// The exit status of an interrupted run is 128 + the signal's number (130, 143).
/// (The signal sources are only kept alive here, never touched after `init`.)
final class InterruptFlag: @unchecked Sendable {
    /// The first signal received, 0 while none has come.
    private let received = Atomic<Int32>(0)
    /// Saves under way, and whether a second signal asked to quit during one.
    private let saving = Mutex<(count: Int, quit: Bool)>((0, false))
    private let sources: [DispatchSourceSignal]

    init() {
        var sources: [DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            sources.append(source)
        }
        self.sources = sources
        for (source, number) in zip(sources, [SIGINT, SIGTERM]) {
            source.setEventHandler { [weak self] in self?.handle(number) }
            source.resume()
        }
    }

    private func handle(_ number: Int32) {
        let (exchanged, first) = received.compareExchange(expected: 0, desired: number, ordering: .relaxed)
        if exchanged {
            let name = number == SIGINT ? "Ctrl-C" : "SIGTERM"
            FileHandle.standardError.write(Data("\n\(name): stopping after this batch (again to quit now)\n".utf8))
            return
        }
        let quitNow = saving.withLock { state -> Bool in
            if state.count > 0 { state.quit = true }
            return state.count == 0
        }
        if quitNow { exit(128 + first) }
        FileHandle.standardError.write(Data("\nquitting once the checkpoint is saved\n".utf8))
    }

    /// Whether a stop was requested.
    var isSet: Bool { received.load(ordering: .relaxed) != 0 }

    /// The exit status of a run stopped by the signal received: 130 for SIGINT, 143 for SIGTERM.
    var exitStatus: Int32 { 128 + received.load(ordering: .relaxed) }

    /// Runs `body` (a save) so that a second signal waits for it to finish before quitting.
    func protecting<Result>(_ body: () throws -> Result) rethrows -> Result {
        saving.withLock { $0.count += 1 }
        defer {
            let quit = saving.withLock { state -> Bool in
                state.count -= 1
                return state.count == 0 && state.quit
            }
            if quit { exit(exitStatus) }
        }
        return try body()
    }
}
