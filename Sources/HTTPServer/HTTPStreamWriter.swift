import Synchronization

/// Writes the body of a streaming response (`HTTPResponse.stream`). Each write becomes one chunk
/// (or raw bytes for an HTTP/1.0 client, whose response ends when the connection closes).
///
/// Backpressure: the connection holds at most `maxQueuedBytesPerConnection` beyond what the
/// socket takes. `write` suspends while that queue is full; `tryWrite` never suspends and says
/// `.wouldBlock` instead, so a hub feeding many readers can drop events for, or close, a slow one.
///
/// Cutting a slow reader off: `writeFinal` queues a last short message (an SSE comment) past the
/// full queue, then `close()` sends the queue and closes cleanly, or cuts the reader off if it
/// has not read it within `closeFlushTimeout`. `abort()` closes at once.
public struct HTTPStreamWriter: Sendable {
    let channel: ConnectionChannel
    let chunked: Bool
    let state: StreamState

    final class StreamState: Sendable {
        static let open: UInt8 = 0, ended: UInt8 = 1, closedByCaller: UInt8 = 2
        /// Whoever moves it from `open` decides how the response ends: the handler returning or
        /// throwing (`ended`), or `close`/`abort` (`closedByCaller`).
        let ending = Atomic<UInt8>(StreamState.open)

        var finished: Bool { ending.load(ordering: .acquiring) != StreamState.open }

        func end(as outcome: UInt8) -> Bool {
            ending.compareExchange(expected: StreamState.open, desired: outcome, ordering: .acquiringAndReleasing).exchanged
        }
    }

    init(channel: ConnectionChannel, chunked: Bool) {
        self.channel = channel
        self.chunked = chunked
        self.state = StreamState()
    }

    /// Writes `bytes`, suspending while the connection's queue is full.
    /// Throws `ConnectionClosedError` once the peer has gone or the server shut down.
    public func write(_ bytes: [UInt8]) async throws(ConnectionClosedError) {
        guard !bytes.isEmpty else { return }
        guard !state.finished else { throw ConnectionClosedError() }
        try await channel.write(frame(bytes))
    }

    public func write(_ text: String) async throws(ConnectionClosedError) {
        try await write(Array(text.utf8))
    }

    /// Writes `bytes` only if the queue has room; never suspends.
    public func tryWrite(_ bytes: [UInt8]) -> WriteResult {
        guard !bytes.isEmpty else { return isClosed ? .closed : .accepted }
        guard !state.finished else { return .closed }
        return channel.tryWrite(frame(bytes))
    }

    /// Queues `bytes` as the last chunk of this response, even when the queue is full, as long as
    /// they are at most `HTTPServerConfiguration.finalMessageLimit` bytes (larger ones only when
    /// there is room, else `.wouldBlock`). Once accepted, every later write answers `.closed`, and
    /// the connection serves no further request: `close()` it, or return to end the body.
    public func writeFinal(_ bytes: [UInt8]) -> WriteResult {
        guard !bytes.isEmpty else { return isClosed ? .closed : .accepted }
        guard !state.finished else { return .closed }
        return channel.writeFinal(frame(bytes), size: bytes.count)
    }

    public func writeFinal(_ text: String) -> WriteResult {
        writeFinal(Array(text.utf8))
    }

    /// Bytes queued on the connection and not yet taken by the socket.
    public var bufferedBytes: Int { channel.queuedBytes }

    /// True once writes fail: the response ended or is closing, or the connection closed.
    public var isClosed: Bool { state.finished || !channel.acceptsWrites }

    /// Runs `handler` once when the connection closes (at once if it already has), on whichever
    /// thread notices. A watch or SSE subscription uses it to stop.
    public func onClose(_ handler: @escaping @Sendable () -> Void) {
        channel.onClose(handler)
    }

    /// Returns when the connection has closed (after `close()`: once the queue is sent and the
    /// linger is over, or the flush deadline passed).
    public func closed() async {
        await channel.waitUntilClosed()
    }

    /// Ends the response by closing the connection (a reader the caller gave up on; the body is
    /// left unterminated): what is queued is sent first, cleanly, within the server's
    /// `closeFlushTimeout`, past which the reader is cut off. Does nothing once the body ended.
    public func close() {
        close(flushTimeout: channel.loop.context.configuration.closeFlushTimeout)
    }

    /// `close()` with its own deadline for sending the queue.
    public func close(flushTimeout: Duration) {
        guard state.end(as: StreamState.closedByCaller) else { return }
        channel.requestClose(flushTimeout: flushTimeout)
    }

    /// Closes the connection at once, dropping whatever is queued, with a reset.
    public func abort() {
        guard state.end(as: StreamState.closedByCaller) else { return }
        channel.requestAbort()
    }

    /// Writes the last chunk. Returns false when the connection was already closed.
    func finish() -> Bool {
        guard state.end(as: StreamState.ended) else { return false }
        guard chunked else { return !channel.isClosed }
        return channel.sendAll(Array("0\r\n\r\n".utf8)) != .closed
    }

    func abandon() {
        _ = state.end(as: StreamState.ended)  // false: already ended, nothing more to do
    }

    /// `close` or `abort` ended the response; their own message to the loop closes the connection.
    var wasClosedByCaller: Bool { state.ending.load(ordering: .acquiring) == StreamState.closedByCaller }

    private func frame(_ bytes: [UInt8]) -> [UInt8] {
        guard chunked else { return bytes }
        var framed: [UInt8] = []
        framed.reserveCapacity(bytes.count + 12)
        framed.append(contentsOf: String(bytes.count, radix: 16).utf8)
        framed.append(0x0D)
        framed.append(0x0A)
        framed.append(contentsOf: bytes)
        framed.append(0x0D)
        framed.append(0x0A)
        return framed
    }
}
