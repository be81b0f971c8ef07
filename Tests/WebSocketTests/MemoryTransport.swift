import Synchronization
import XCTest
@testable import WebSocket

/// An in-memory transport: the I/O boundary of `WebSocketConnection`, for tests of its timing
/// and backpressure logic that a real socket would make slow or flaky. Interop tests use real sockets.
final class MemoryTransport: WebSocketTransport {
    private struct State {
        var inbound: [[UInt8]] = []
        var inputFinished = false
        var reader: CheckedContinuation<[UInt8]?, Never>?
        /// Everything accepted, in order.
        var outbound: [UInt8] = []
        /// Accepted bytes the "peer" has not read yet; `drain()` reads them.
        var queued = 0
        var writers: [CheckedContinuation<Void, Never>] = []
        var closed = false
    }

    private let state = Mutex(State())
    /// Bytes `tryWrite` accepts before it reports `wouldBlock`, as if the peer stopped reading.
    let queueLimit: Int

    init(queueLimit: Int = 1 << 20) {
        self.queueLimit = queueLimit
    }

    func feed(_ bytes: [UInt8]) {
        let reader = state.withLock { state -> CheckedContinuation<[UInt8]?, Never>? in
            if let reader = state.reader {
                state.reader = nil
                return reader
            }
            state.inbound.append(bytes)
            return nil
        }
        reader?.resume(returning: bytes)
    }

    func finishInput() {
        let reader = state.withLock { state -> CheckedContinuation<[UInt8]?, Never>? in
            state.inputFinished = true
            defer { state.reader = nil }
            return state.reader
        }
        reader?.resume(returning: nil)
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    /// Every frame written so far, decoded as a client would.
    func writtenFrames() -> [WebSocketFrame] {
        let bytes = state.withLock { $0.outbound }
        return decodeFrames([bytes[...]], role: .client).0
    }

    func read() async -> [UInt8]? {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> [UInt8]?? in
                if !state.inbound.isEmpty { return .some(state.inbound.removeFirst()) }
                if state.inputFinished || state.closed { return .some(nil) }
                state.reader = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    func write(_ bytes: [UInt8]) async -> Bool {
        while true {
            switch tryWrite(bytes) {
            case .accepted: return true
            case .closed: return false
            case .wouldBlock:
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state -> Bool in
                        if state.closed || state.queued < queueLimit { return true }
                        state.writers.append(continuation)
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
        }
    }

    func tryWrite(_ bytes: [UInt8]) -> WebSocketTransportWrite {
        state.withLock { state in
            if state.closed { return .closed }
            if state.queued >= queueLimit { return .wouldBlock(bufferedBytes: state.queued) }
            state.outbound += bytes
            state.queued += bytes.count
            return .accepted
        }
    }

    /// The peer reads everything queued, making room for waiting writers.
    func drain() {
        let writers = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.queued = 0
            defer { state.writers = [] }
            return state.writers
        }
        for writer in writers { writer.resume() }
    }

    func close() {
        let (reader, writers) = state.withLock { state -> (CheckedContinuation<[UInt8]?, Never>?, [CheckedContinuation<Void, Never>]) in
            state.closed = true
            defer {
                state.reader = nil
                state.writers = []
            }
            return (state.reader, state.writers)
        }
        reader?.resume(returning: nil)
        for writer in writers { writer.resume() }
    }
}

/// Polls `condition` until it holds; the bound is only a guard against hangs.
func eventually(_ message: String, within seconds: Double = 10, _ condition: () -> Bool) async {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while !condition() {
        if ContinuousClock.now > deadline { return XCTFail("timed out waiting: \(message)") }
        try? await Task.sleep(for: .milliseconds(5)) // a cancelled sleep only ends the wait sooner
    }
}
