import Synchronization

/// What a non-suspending send did.
public enum WebSocketSendResult: Sendable, Equatable {
    case sent
    /// The peer is not reading fast enough and `bufferedBytes` are already waiting; nothing was sent.
    /// The server's answer is to close with 1013 (try again later) and let the client resume.
    case peerIsSlow(bufferedBytes: Int)
    case closed
}

/// Sending on a connection that is closing or closed.
public struct WebSocketClosedError: Error, Equatable, Sendable, CustomStringConvertible {
    public init() {}
    public var description: String { "the WebSocket connection is closed" }
}

/// A WebSocket over a transport: `WebSocketStateMachine` driven by real reads, writes and timers.
///
/// Iterating `messages` is what reads the socket, so pongs, close echoes and protocol errors are
/// handled while the application iterates; pings, the idle timeout and the close deadline run on
/// their own task and need nobody to iterate. Control frames are written with `tryWrite`, so no
/// timer or reader ever waits on a slow peer: a peer that leaves our queue full gets no pongs, and
/// a close frame that finds the queue full waits for room at most one more close timeout before
/// the transport is closed anyway.
public final class WebSocketConnection: Sendable {
    private struct Core: Sendable {
        var machine: WebSocketStateMachine
        var timers: Task<Void, Never>?
        var finished = false
        var closedWaiters: [CheckedContinuation<WebSocketClosure, Never>] = []
        /// A close frame is waiting for room in a full queue; the socket closes after it, or after
        /// one more close timeout if the peer never makes room.
        var closeFrameWaiting = false
        var closeAfterCloseFrame = false
        var transportClosed = false
    }

    private let transport: any WebSocketTransport
    private let core: Mutex<Core>

    public init(transport: any WebSocketTransport, configuration: WebSocketConfiguration = WebSocketConfiguration(), role: WebSocketRole = .server) {
        self.transport = transport
        core = Mutex(Core(machine: WebSocketStateMachine(configuration: configuration, role: role, now: .now)))
        core.withLock { $0.timers = startTimers() }
    }

    /// The peer's messages in order, ending when the connection closes. Iterate from one task only.
    public var messages: Messages { Messages(connection: self) }

    /// How the connection ended, nil while it is open or closing.
    public var closure: WebSocketClosure? {
        core.withLock { $0.finished ? $0.machine.closure : nil }
    }

    /// Sends a text message, waiting while the peer is slow (backpressure).
    public func send(text: String) async throws(WebSocketClosedError) {
        try await send(.text(text))
    }

    public func send(_ message: WebSocketMessage) async throws(WebSocketClosedError) {
        // Queued under the lock when possible, so a message never lands after our close frame.
        let outcome = core.withLock { core -> (WebSocketTransportWrite, [UInt8]) in
            guard let bytes = core.machine.encode(message) else { return (.closed, []) }
            return (transport.tryWrite(bytes), bytes)
        }
        switch outcome.0 {
        case .accepted: return
        case .closed: throw WebSocketClosedError()
        case .wouldBlock:
            guard await transport.write(outcome.1) else { throw WebSocketClosedError() }
        }
    }

    /// Sends a text message only if it can be queued at once; never waits.
    public func trySend(text: String) -> WebSocketSendResult {
        trySend(.text(text))
    }

    public func trySend(_ message: WebSocketMessage) -> WebSocketSendResult {
        core.withLock { core in
            guard let bytes = core.machine.encode(message) else { return .closed }
            switch transport.tryWrite(bytes) {
            case .accepted: return .sent
            case .wouldBlock(let buffered): return .peerIsSlow(bufferedBytes: buffered)
            case .closed: return .closed
            }
        }
    }

    /// Starts the close handshake; the socket closes when the peer answers or at the close deadline.
    /// Returns at once: `closed()` waits for the end. The peer's answer is only seen while someone
    /// iterates `messages` (it ends when the close completes); otherwise the deadline closes the socket.
    public func close(code: WebSocketCloseCode = .normalClosure, reason: String = "") {
        _ = step { core in core.machine.close(code: code, reason: reason, now: .now) }
    }

    /// Waits until the socket is closed and says how the connection ended.
    public func closed() async -> WebSocketClosure {
        await withCheckedContinuation { continuation in
            let closure = core.withLock { core -> WebSocketClosure? in
                guard core.finished else {
                    core.closedWaiters.append(continuation)
                    return nil
                }
                return Self.closureOrAbnormal(core.machine)
            }
            if let closure { continuation.resume(returning: closure) }
        }
    }

    /// Reads until a message arrives or the connection ends.
    func nextMessages() async -> [WebSocketMessage]? {
        while true {
            if core.withLock({ $0.finished }) { return nil }
            guard let bytes = await transport.read() else {
                _ = step { core in core.machine.peerDisconnected() }
                return nil
            }
            let delivered = step { core in core.machine.receive(bytes, now: .now) }
            if !delivered.isEmpty { return delivered }
        }
    }

    /// Runs a state-machine step and its actions under the lock, so frames are queued in the order decided.
    private func step(_ body: (inout Core) -> [WebSocketAction]) -> [WebSocketMessage] {
        let (delivered, wake) = core.withLock { core -> ([WebSocketMessage], ([CheckedContinuation<WebSocketClosure, Never>], WebSocketClosure)) in
            let deadlineBefore = core.machine.nextDeadline
            let delivered = run(body(&core), in: &core)
            if !core.finished, let deadline = core.machine.nextDeadline, deadlineBefore.map({ deadline < $0 }) ?? true {
                // A close deadline came sooner than the sleeping timer's wake-up: restart the timer.
                core.timers?.cancel()
                core.timers = startTimers()
            }
            let waiters = core.finished ? core.closedWaiters : []
            if core.finished { core.closedWaiters = [] }
            return (delivered, (waiters, Self.closureOrAbnormal(core.machine)))
        }
        for waiter in wake.0 { waiter.resume(returning: wake.1) }
        return delivered
    }

    private func run(_ actions: [WebSocketAction], in core: inout Core) -> [WebSocketMessage] {
        var delivered: [WebSocketMessage] = []
        for action in actions {
            switch action {
            case .write(let bytes):
                // Control frames never wait (see the type's comment), but a close frame, always the
                // last one, tells a slow client why (1013): it goes past a full queue when the
                // transport allows, or else is queued once the peer drains some.
                let isClose = bytes.first.map { $0 & 0x0F == WebSocketOpcode.close.rawValue } == true
                if case .wouldBlock = isClose ? transport.writeFinal(bytes) : transport.tryWrite(bytes), isClose {
                    core.closeFrameWaiting = true
                    Task {
                        _ = await transport.write(bytes) // false means closed: nothing left to tell the peer
                        closeFrameQueued()
                    }
                }
            case .deliver(let message):
                delivered.append(message)
            case .closeSocket:
                guard !core.finished else { continue }
                core.finished = true
                if core.closeFrameWaiting {
                    core.closeAfterCloseFrame = true
                    let grace = core.machine.configuration.closeTimeout
                    Task {
                        try? await Task.sleep(for: grace) // not cancelled by anyone; an early wake only closes sooner
                        closeTransport()
                    }
                } else {
                    closeTransport(&core)
                }
                core.timers?.cancel()
                core.timers = nil
            }
        }
        return delivered
    }

    private func closeFrameQueued() {
        core.withLock { core in
            core.closeFrameWaiting = false
            if core.closeAfterCloseFrame { closeTransport(&core) }
        }
    }

    private func closeTransport() {
        core.withLock { closeTransport(&$0) }
    }

    private func closeTransport(_ core: inout Core) {
        guard !core.transportClosed else { return }
        core.transportClosed = true
        transport.close()
    }

    private func startTimers() -> Task<Void, Never> {
        Task { [weak self] in
            while let self {
                guard let deadline = self.core.withLock({ $0.finished ? nil : $0.machine.nextDeadline }) else { return }
                do {
                    try await Task.sleep(until: deadline, clock: .continuous)
                } catch {
                    return // cancelled: closed, or replaced by a timer with a sooner deadline
                }
                _ = self.step { core in core.machine.tick(now: .now) }
            }
        }
    }

    private static func closureOrAbnormal(_ machine: WebSocketStateMachine) -> WebSocketClosure {
        machine.closure ?? WebSocketClosure(code: .abnormalClosure, reason: "", initiatedByPeer: true)
    }

    /// The connection's incoming messages; reading happens as it is iterated.
    public struct Messages: AsyncSequence, Sendable {
        public typealias Element = WebSocketMessage
        let connection: WebSocketConnection

        public func makeAsyncIterator() -> Iterator { Iterator(connection: connection) }

        public struct Iterator: AsyncIteratorProtocol {
            let connection: WebSocketConnection
            var pending: [WebSocketMessage] = []
            var index = 0

            public mutating func next() async -> WebSocketMessage? {
                if index == pending.count {
                    guard let batch = await connection.nextMessages() else { return nil }
                    pending = batch
                    index = 0
                }
                defer { index += 1 }
                return pending[index]
            }
        }
    }
}
