import Dispatch
import Foundation

/// SIGTERM/SIGINT as an async wait: the first signal returns from `next()`,
/// a second one exits the process at once (the design's "second signal exits").
final class TerminationSignals: @unchecked Sendable {
    private let queue = DispatchQueue(label: "fabricsync.signals")
    private var sources: [DispatchSourceSignal] = []
    private var received = 0
    private var waiter: CheckedContinuation<Int32, Never>?
    private var pending: Int32?

    init() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [unowned self] in self.deliver(number) }
            source.resume()
            sources.append(source)
        }
    }

    private func deliver(_ number: Int32) {
        received += 1
        if received > 1 {
            FileHandle.standardError.write(Data("second signal: exiting now\n".utf8))
            exit(1)
        }
        if let waiter {
            self.waiter = nil
            waiter.resume(returning: number)
        } else {
            pending = number
        }
    }

    /// Waits for the first signal; returns its number.
    func next() async -> Int32 {
        await withCheckedContinuation { continuation in
            queue.async {
                if let pending = self.pending {
                    self.pending = nil
                    continuation.resume(returning: pending)
                } else {
                    self.waiter = continuation
                }
            }
        }
    }
}
