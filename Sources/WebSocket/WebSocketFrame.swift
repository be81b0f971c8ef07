/// The frame opcodes RFC 6455 §5.2 defines; every other value is a protocol error.
public enum WebSocketOpcode: UInt8, Sendable {
    case continuation = 0x0
    case text = 0x1
    case binary = 0x2
    case close = 0x8
    case ping = 0x9
    case pong = 0xA

    /// Close, ping and pong: at most 125 bytes of payload and never fragmented (§5.5).
    public var isControl: Bool { rawValue & 0x8 != 0 }
}

/// One frame, payload already unmasked.
public struct WebSocketFrame: Sendable, Equatable {
    public var fin: Bool
    public var opcode: WebSocketOpcode
    public var payload: [UInt8]

    public init(fin: Bool = true, opcode: WebSocketOpcode, payload: [UInt8] = []) {
        self.fin = fin
        self.opcode = opcode
        self.payload = payload
    }
}

/// A close status code (RFC 6455 §7.4), with the ones fabricsync sends named.
public struct WebSocketCloseCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let normalClosure = WebSocketCloseCode(1000)
    /// Server shutdown, or the client idle past the timeout.
    public static let goingAway = WebSocketCloseCode(1001)
    public static let protocolError = WebSocketCloseCode(1002)
    public static let unsupportedData = WebSocketCloseCode(1003)
    /// Never sent on the wire: "the close frame carried no code".
    public static let noStatusReceived = WebSocketCloseCode(1005)
    /// Never sent on the wire: "the connection dropped without a close frame".
    public static let abnormalClosure = WebSocketCloseCode(1006)
    public static let invalidPayloadData = WebSocketCloseCode(1007)
    public static let policyViolation = WebSocketCloseCode(1008)
    public static let messageTooBig = WebSocketCloseCode(1009)
    public static let internalServerError = WebSocketCloseCode(1011)
    /// The client could not keep up (its queue overflowed); it may reconnect and resume.
    public static let tryAgainLater = WebSocketCloseCode(1013)

    /// Whether a peer may put this code in a close frame (§7.4.1, §7.4.2 and the IANA registry):
    /// 1000–1003, 1007–1014, and the 3000–4999 ranges for libraries and applications.
    public var isAllowedOnTheWire: Bool {
        switch rawValue {
        case 1000...1003, 1007...1014, 3000...4999: true
        default: false
        }
    }

    public var description: String { String(rawValue) }
}

/// Why a connection must be failed: the close code to send and a short human reason.
public struct WebSocketProtocolError: Error, Equatable, Sendable, CustomStringConvertible {
    public var code: WebSocketCloseCode
    public var message: String

    public init(_ code: WebSocketCloseCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
