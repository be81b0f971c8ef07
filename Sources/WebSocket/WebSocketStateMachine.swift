/// Limits and timers of one connection.
public struct WebSocketConfiguration: Sendable {
    /// The largest message (and so frame) accepted; anything larger closes with 1009.
    /// Client commands are small JSON objects, so the default is generous at 64 KiB.
    public var maximumMessageSize: Int
    /// How often the server pings (design: every 30 s).
    public var pingInterval: Duration
    /// A peer silent for this long (no frame of any kind, pongs included) is closed with 1001 (design: 90 s).
    public var idleTimeout: Duration
    /// How long to wait for the peer's close frame after sending ours before dropping the socket.
    public var closeTimeout: Duration

    public init(
        maximumMessageSize: Int = 64 * 1024,
        pingInterval: Duration = .seconds(30),
        idleTimeout: Duration = .seconds(90),
        closeTimeout: Duration = .seconds(5)
    ) {
        self.maximumMessageSize = maximumMessageSize
        self.pingInterval = pingInterval
        self.idleTimeout = idleTimeout
        self.closeTimeout = closeTimeout
    }
}

/// What the connection must do next, in order.
public enum WebSocketAction: Sendable, Equatable {
    /// Send these bytes to the peer.
    case write([UInt8])
    /// Hand this message to the application.
    case deliver(WebSocketMessage)
    /// Close the socket.
    case closeSocket
}

/// How the connection ended: the code and reason of the close frame that settled it.
public struct WebSocketClosure: Sendable, Equatable {
    public var code: WebSocketCloseCode
    public var reason: String
    /// True when the peer closed first (or dropped the connection), false when the server did.
    public var initiatedByPeer: Bool
}

/// One server- or client-side connection as a pure state machine: bytes and clock readings in,
/// actions out. It answers pings, echoes a peer's close, fails the connection on protocol errors
/// with the matching close code, pings on schedule, closes an idle peer, and after sending a close
/// waits for the peer's close (up to `closeTimeout`) before closing the socket (RFC 6455 §7).
///
/// After failing the connection it cannot parse the peer's bytes any more, but it still reads and
/// discards them until the peer closes or `failureLinger` passes (RFC 6455 §7.1.1's clean closure):
/// closing a socket with unread input sends a reset, which can destroy our close frame before the
/// peer has read it (a client still sending an oversize message would never see its 1009).
public struct WebSocketStateMachine: Sendable {
    public enum State: Sendable, Equatable {
        case open
        /// Our close frame is sent; waiting for the peer's until the deadline.
        case closing(deadline: ContinuousClock.Instant)
        case closed
    }

    public let configuration: WebSocketConfiguration
    public let role: WebSocketRole
    public private(set) var state: State = .open
    public private(set) var closure: WebSocketClosure?
    private var decoder: WebSocketFrameDecoder
    private var assembler: WebSocketMessageAssembler
    private var lastHeard: ContinuousClock.Instant
    private var nextPing: ContinuousClock.Instant
    private var maskingKeys: SystemRandomNumberGenerator
    private var discardingInput = false

    /// How long a failed connection drains the peer's input before closing; at most `closeTimeout`.
    public static let failureLinger: Duration = .seconds(1)

    public init(configuration: WebSocketConfiguration = WebSocketConfiguration(), role: WebSocketRole = .server, now: ContinuousClock.Instant) {
        self.configuration = configuration
        self.role = role
        decoder = WebSocketFrameDecoder(role: role, maximumFrameSize: configuration.maximumMessageSize)
        assembler = WebSocketMessageAssembler(maximumMessageSize: configuration.maximumMessageSize)
        lastHeard = now
        nextPing = now + configuration.pingInterval
        maskingKeys = SystemRandomNumberGenerator()
    }

    /// When `tick` must next be called (a ping, the idle limit or the close deadline); nil once closed.
    public var nextDeadline: ContinuousClock.Instant? {
        switch state {
        case .open: min(nextPing, lastHeard + configuration.idleTimeout)
        case .closing(let deadline): deadline
        case .closed: nil
        }
    }

    /// Feeds bytes read from the socket.
    public mutating func receive(_ bytes: some Collection<UInt8>, now: ContinuousClock.Instant) -> [WebSocketAction] {
        guard state != .closed, !bytes.isEmpty, !discardingInput else { return [] }
        lastHeard = now
        decoder.append(bytes)
        var actions: [WebSocketAction] = []
        while state != .closed {
            let inbound: WebSocketInbound?
            do {
                guard let frame = try decoder.nextFrame() else { break }
                inbound = try assembler.receive(frame)
            } catch {
                actions += fail(error, now: now)
                break
            }
            guard let inbound else { continue }
            actions += handle(inbound, now: now)
        }
        return actions
    }

    /// The peer closed the TCP connection (end of input or a read error).
    public mutating func peerDisconnected() -> [WebSocketAction] {
        guard state != .closed else { return [] }
        if closure == nil {
            closure = WebSocketClosure(code: .abnormalClosure, reason: "connection dropped without a close frame", initiatedByPeer: true)
        }
        state = .closed
        return [.closeSocket]
    }

    /// Starts the close handshake (shutdown 1001, slow client 1013, …); does nothing unless open.
    public mutating func close(code: WebSocketCloseCode, reason: String = "", now: ContinuousClock.Instant) -> [WebSocketAction] {
        guard state == .open else { return [] }
        closure = WebSocketClosure(code: code, reason: reason, initiatedByPeer: false)
        state = .closing(deadline: now + configuration.closeTimeout)
        return [.write(frame(.close, WebSocketFrameEncoder.closePayload(code: code, reason: reason)))]
    }

    /// The frame bytes for a message, or nil when the connection is no longer open.
    public mutating func encode(_ message: WebSocketMessage) -> [UInt8]? {
        guard state == .open else { return nil }
        switch message {
        case .text(let text): return frame(.text, Array(text.utf8))
        case .binary(let bytes): return frame(.binary, bytes)
        }
    }

    /// Runs the timers: pings when due, closes an idle peer, gives up waiting for a close echo.
    public mutating func tick(now: ContinuousClock.Instant) -> [WebSocketAction] {
        switch state {
        case .open:
            if now >= lastHeard + configuration.idleTimeout {
                return close(code: .goingAway, reason: "idle timeout", now: now)
            }
            guard now >= nextPing else { return [] }
            nextPing = now + configuration.pingInterval
            return [.write(frame(.ping, []))]
        case .closing(let deadline):
            guard now >= deadline else { return [] }
            state = .closed
            return [.closeSocket]
        case .closed:
            return []
        }
    }

    private mutating func handle(_ inbound: WebSocketInbound, now: ContinuousClock.Instant) -> [WebSocketAction] {
        switch inbound {
        case .message(let message):
            // After our close frame, data from the peer is read and dropped (§5.5.1).
            return state == .open ? [.deliver(message)] : []
        case .ping(let payload):
            return state == .open ? [.write(frame(.pong, payload))] : []
        case .pong:
            return []
        case .close(let code, let reason):
            if state == .open {
                closure = WebSocketClosure(code: code ?? .noStatusReceived, reason: reason, initiatedByPeer: true)
                state = .closed
                // Echo the code (or an empty payload when none came), then the server drops the TCP connection first (§7.1.1).
                return [.write(frame(.close, WebSocketFrameEncoder.closePayload(code: code, reason: ""))), .closeSocket]
            }
            state = .closed
            return [.closeSocket]
        }
    }

    /// Fails the connection (§7.1.7): sends the close frame at once when open, then drains input.
    private mutating func fail(_ error: WebSocketProtocolError, now: ContinuousClock.Instant) -> [WebSocketAction] {
        discardingInput = true
        guard state == .open else { return [] }
        closure = WebSocketClosure(code: error.code, reason: error.message, initiatedByPeer: false)
        state = .closing(deadline: now + min(configuration.closeTimeout, Self.failureLinger))
        return [.write(frame(.close, WebSocketFrameEncoder.closePayload(code: error.code, reason: error.message)))]
    }

    private mutating func frame(_ opcode: WebSocketOpcode, _ payload: [UInt8]) -> [UInt8] {
        let frame = WebSocketFrame(opcode: opcode, payload: payload)
        guard role == .client else { return WebSocketFrameEncoder.encode(frame) }
        let key = UInt32.random(in: .min ... .max, using: &maskingKeys)
        return WebSocketFrameEncoder.encode(frame, maskingKey: (UInt8(key >> 24), UInt8(key >> 16 & 0xFF), UInt8(key >> 8 & 0xFF), UInt8(key & 0xFF)))
    }
}
