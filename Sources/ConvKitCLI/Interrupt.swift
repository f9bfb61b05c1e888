import Dispatch
import Foundation
import Synchronization

/// Turns Ctrl-C into a request to stop after the current batch; a second Ctrl-C quits at once.
/// (The signal source is only kept alive here, never touched after `init`.)
final class InterruptFlag: @unchecked Sendable {
    private let requested = Atomic<Bool>(false)
    private let source: DispatchSourceSignal

    init() {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [weak self] in
            guard let self else { return }
            if self.requested.exchange(true, ordering: .relaxed) { exit(130) }
            FileHandle.standardError.write(Data("\nstopping after this batch (Ctrl-C again to quit now)\n".utf8))
        }
        source.resume()
    }

    var isSet: Bool { requested.load(ordering: .relaxed) }
}
