/// Where the server listens and what it tolerates.
public struct HTTPServerConfiguration: Sendable {
    /// `127.0.0.1`, `::1`, `0.0.0.0` or `::` (any literal IP address).
    public var host: String
    /// 0 asks the kernel for a free port; `HTTPServer.start()` reports the one bound.
    public var port: Int
    public var limits: HTTPLimits
    /// From a request's first byte to the end of its head; past it the client gets 408 and is closed (slow-loris).
    public var headerReadTimeout: Duration
    /// A keep-alive connection with no request in progress is closed after this long. A body
    /// that stops arriving for this long gets 408 and is closed.
    public var idleTimeout: Duration
    /// Connections beyond this get a 503 and are closed.
    public var maxConnections: Int
    /// Bytes a streaming or upgraded connection may queue beyond what the socket takes before
    /// `write` suspends and `tryWrite` answers `.wouldBlock`.
    public var maxQueuedBytesPerConnection: Int
    /// How long closing a stream or upgraded connection (`close()`) waits for its queued bytes
    /// to be sent. Past it the peer, which stopped reading, is cut off (reset) and its buffers freed.
    public var closeFlushTimeout: Duration
    /// Event-loop threads; each owns its connections.
    public var eventLoopThreads: Int
    /// The `Server` header value; nil sends none.
    public var serverName: String?
    public var sendsDateHeader: Bool
    public var listenBacklog: Int32

    /// The largest final message `writeFinal` queues past `maxQueuedBytesPerConnection`: room for
    /// a WebSocket close frame (at most 127 bytes) or a short SSE comment, so a slow client still
    /// learns why it is cut off, while the overshoot stays negligible.
    public static let finalMessageLimit = 256

    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        limits: HTTPLimits = HTTPLimits(),
        headerReadTimeout: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(60),
        maxConnections: Int = 10_000,
        maxQueuedBytesPerConnection: Int = 256 * 1024,
        closeFlushTimeout: Duration = .seconds(5),
        eventLoopThreads: Int = 2,
        serverName: String? = "fabricsync",
        sendsDateHeader: Bool = true,
        listenBacklog: Int32 = 1024
    ) {
        self.host = host
        self.port = port
        self.limits = limits
        self.headerReadTimeout = headerReadTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.maxQueuedBytesPerConnection = maxQueuedBytesPerConnection
        self.closeFlushTimeout = closeFlushTimeout
        self.eventLoopThreads = eventLoopThreads
        self.serverName = serverName
        self.sendsDateHeader = sendsDateHeader
        self.listenBacklog = listenBacklog
    }
}

/// A server start that failed, with the system's reason.
public struct HTTPServerError: Error, Equatable, Sendable, CustomStringConvertible {
    public var code: String
    public var message: String
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { "\(code): \(message)" }
}

extension Duration {
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        return UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }
}
