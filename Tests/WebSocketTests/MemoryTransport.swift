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
        var outbound: [UInt8] = []
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
        state.withLock { state in
            guard !state.closed else { return false }
            state.outbound += bytes
            return true
        }
    }

    func tryWrite(_ bytes: [UInt8]) -> WebSocketTransportWrite {
        state.withLock { state in
            if state.closed { return .closed }
            if state.outbound.count >= queueLimit { return .wouldBlock(bufferedBytes: state.outbound.count) }
            state.outbound += bytes
            return .accepted
        }
    }

    func close() {
        let reader = state.withLock { state -> CheckedContinuation<[UInt8]?, Never>? in
            state.closed = true
            defer { state.reader = nil }
            return state.reader
        }
        reader?.resume(returning: nil)
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
