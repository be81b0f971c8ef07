import Synchronization

/// The raw connection after a `101 Switching Protocols` answer, handed to the protocol that
/// takes over (WebSocket frames are that protocol's business; this type only moves bytes).
/// Writes have the same backpressure as `HTTPStreamWriter`. Reads are bounded too: when the
/// handler does not read, the server stops reading the socket, and TCP slows the peer down.
///
/// Ending it: `close()` sends what is queued, then closes cleanly (our side shut first, the
/// peer's late input drained for up to 2 s, so the last bytes are not lost to a reset). A peer
/// that has not taken the queue within `closeFlushTimeout` has stopped reading and is cut off.
/// `abort()` closes at once. To tell a slow peer why before cutting it off, queue a last small
/// message past the full queue with `writeFinal` (a WebSocket close frame with 1013), then `close()`.
///
///     router.get("/api/v1/ws") { request in
///         guard let key = request.headers["Sec-WebSocket-Key"] else { return .error(400, "not a WebSocket handshake") }
///         return .upgrade(headers: ["Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Accept": accept(key)]) { connection in
///             while let bytes = await connection.read() { /* decode frames, reply with connection.write(…) */ }
///         }   // returning closes the connection
///     }
public struct UpgradedConnection: Sendable {
    let channel: ConnectionChannel
    let inbound: InboundQueue
    public let remoteAddress: String
    public let remotePort: Int

    /// The next bytes from the peer, nil once the peer finished sending or the connection closed.
    /// Cancelling the waiting task makes it return nil.
    /// One reader at a time: a protocol reads in one loop and dispatches what it decodes.
    public func read() async -> [UInt8]? {
        await inbound.read()
    }

    /// Writes `bytes`, suspending while the queue is full; throws once the connection is closing or closed.
    public func write(_ bytes: [UInt8]) async throws(ConnectionClosedError) {
        try await channel.write(bytes)
    }

    /// Writes `bytes` only if the queue has room; never suspends.
    public func tryWrite(_ bytes: [UInt8]) -> WriteResult {
        channel.tryWrite(bytes)
    }

    /// Queues `bytes` as the last thing sent, even when the queue is full, as long as they are at
    /// most `HTTPServerConfiguration.finalMessageLimit` bytes (larger ones only when there is room,
    /// else `.wouldBlock`). Once accepted, every later write answers `.closed`; reading goes on
    /// (a WebSocket waits for the peer's close frame) until `close()`, `abort()` or the peer leaves.
    public func writeFinal(_ bytes: [UInt8]) -> WriteResult {
        channel.writeFinal(bytes, size: bytes.count)
    }

    public var bufferedBytes: Int { channel.queuedBytes }
    /// True once writes fail: the connection is closing (`close`, `abort`, `writeFinal`) or closed.
    public var isClosed: Bool { !channel.acceptsWrites }

    /// Runs `handler` once the socket is closed (at once if it is).
    public func onClose(_ handler: @escaping @Sendable () -> Void) {
        channel.onClose(handler)
    }

    /// Returns when the socket is closed: after a `close()`, once the queue is sent and the
    /// linger is over, or the flush deadline passed.
    public func closed() async {
        await channel.waitUntilClosed()
    }

    /// Closes once the bytes already queued are sent, cleanly (see the type's comment); writes fail
    /// from now on. A peer that has not taken them within the server's `closeFlushTimeout` is cut off.
    public func close() {
        channel.requestClose(flushTimeout: channel.loop.context.configuration.closeFlushTimeout)
    }

    /// `close()` with its own deadline for sending the queue.
    public func close(flushTimeout: Duration) {
        channel.requestClose(flushTimeout: flushTimeout)
    }

    /// Closes at once, dropping whatever is queued, with a reset.
    public func abort() {
        channel.requestAbort()
    }
}

/// Bytes read from an upgraded connection and not yet taken by its handler.
final class InboundQueue: Sendable {
    private struct State {
        var buffered: [UInt8] = []
        var finished = false
        var paused = false
        var waiter: CheckedContinuation<[UInt8]?, Never>?
    }

    private let state = Mutex(State())
    private let limit: Int
    private let channel: ConnectionChannel

    init(limit: Int, channel: ConnectionChannel) {
        self.limit = limit
        self.channel = channel
    }

    /// Event-loop thread: hands bytes to a waiting reader or keeps them; stops reading the socket
    /// when too much is kept.
    func deliver(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        let (waiter, pause) = state.withLock { state -> (CheckedContinuation<[UInt8]?, Never>?, Bool) in
            guard !state.finished else { return (nil, false) }
            if let waiter = state.waiter {
                state.waiter = nil
                return (waiter, false)
            }
            state.buffered.append(contentsOf: bytes)
            if state.buffered.count >= limit && !state.paused {
                state.paused = true
                return (nil, true)
            }
            return (nil, false)
        }
        if let waiter { waiter.resume(returning: bytes) }
        if pause { channel.setReading(false) }
    }

    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<[UInt8]?, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    func read() async -> [UInt8]? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[UInt8]?, Never>) in
                let (ready, resumeReading) = state.withLock { state -> ([UInt8]??, Bool) in
                    if !state.buffered.isEmpty {
                        let bytes = state.buffered
                        state.buffered = []
                        let wasPaused = state.paused
                        state.paused = false
                        return (.some(bytes), wasPaused && !state.finished)
                    }
                    if state.finished || Task.isCancelled { return (.some(nil), false) }
                    state.waiter = continuation
                    return (nil, false)
                }
                if resumeReading { channel.setReading(true) }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<[UInt8]?, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: nil)
        }
    }
}
