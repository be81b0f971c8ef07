/// The byte stream a WebSocket runs over once the HTTP upgrade is done: the server's upgraded
/// connection, or a client socket in the load benchmark. `tryWrite` and `close` are called while
/// the connection holds its lock, so they must not call back into the connection.
public protocol WebSocketTransport: Sendable {
    /// The next bytes from the peer; nil once the peer stopped sending or the connection closed.
    func read() async -> [UInt8]?
    /// Queues bytes, suspending while the peer is slow; false once the connection is closed.
    func write(_ bytes: [UInt8]) async -> Bool
    /// Queues bytes without suspending, or says why it could not.
    func tryWrite(_ bytes: [UInt8]) -> WebSocketTransportWrite
    /// Queues the last bytes ever sent (a close frame) even when the queue is full, if the
    /// transport can; later writes fail. The default is `tryWrite`.
    func writeFinal(_ bytes: [UInt8]) -> WebSocketTransportWrite
    /// Closes once the bytes already queued are sent.
    func close()
}

extension WebSocketTransport {
    public func writeFinal(_ bytes: [UInt8]) -> WebSocketTransportWrite {
        tryWrite(bytes)
    }
}

/// What a non-suspending write did.
public enum WebSocketTransportWrite: Sendable, Equatable {
    case accepted
    /// The transport's queue is full: the peer is not reading fast enough. Nothing was written.
    case wouldBlock(bufferedBytes: Int)
    case closed
}
