/// A complete data message.
public enum WebSocketMessage: Sendable, Equatable {
    case text(String)
    case binary([UInt8])
}

/// What a frame amounts to once the message-level rules are applied.
public enum WebSocketInbound: Sendable, Equatable {
    case message(WebSocketMessage)
    case ping([UInt8])
    case pong([UInt8])
    /// `code` is nil when the close frame had an empty payload (reported to applications as 1005).
    case close(code: WebSocketCloseCode?, reason: String)
}

/// Applies the message-level rules to decoded frames (RFC 6455 §5.4, §5.5.1, §8.1): fragments arrive
/// in order with no new data frame while one is open, the reassembled size stays within
/// `maximumMessageSize` (1009), text is valid UTF-8 checked fragment by fragment (1007), and close
/// payloads are empty or a code allowed on the wire plus a UTF-8 reason.
public struct WebSocketMessageAssembler: Sendable {
    public let maximumMessageSize: Int
    private var openMessage: WebSocketOpcode?
    private var fragments: [UInt8] = []
    private var validator = UTF8Validator()

    public init(maximumMessageSize: Int) {
        self.maximumMessageSize = maximumMessageSize
    }

    /// Whether a fragmented message has started and not yet finished.
    public var hasOpenMessage: Bool { openMessage != nil }

    public mutating func receive(_ frame: WebSocketFrame) throws(WebSocketProtocolError) -> WebSocketInbound? {
        switch frame.opcode {
        case .ping: return .ping(frame.payload)
        case .pong: return .pong(frame.payload)
        case .close: return try Self.parseClose(frame.payload)
        case .text, .binary:
            if openMessage != nil {
                throw WebSocketProtocolError(.protocolError, "new data frame while a fragmented message is open")
            }
            openMessage = frame.opcode
            fragments.removeAll(keepingCapacity: true)
            validator = UTF8Validator()
            return try append(frame)
        case .continuation:
            if openMessage == nil {
                throw WebSocketProtocolError(.protocolError, "continuation frame with no message open")
            }
            return try append(frame)
        }
    }

    private mutating func append(_ frame: WebSocketFrame) throws(WebSocketProtocolError) -> WebSocketInbound? {
        if fragments.count + frame.payload.count > maximumMessageSize {
            throw WebSocketProtocolError(.messageTooBig, "message over the \(maximumMessageSize)-byte limit")
        }
        let isText = openMessage == .text
        if isText, !validator.feed(frame.payload) {
            throw WebSocketProtocolError(.invalidPayloadData, "text message is not valid UTF-8")
        }
        guard frame.fin else {
            fragments.append(contentsOf: frame.payload)
            return nil
        }
        if isText, !validator.isAtCharacterBoundary {
            throw WebSocketProtocolError(.invalidPayloadData, "text message ends inside a UTF-8 character")
        }
        openMessage = nil
        // A single-frame message skips the copy into the fragment buffer.
        let whole: [UInt8]
        if fragments.isEmpty {
            whole = frame.payload
        } else {
            fragments.append(contentsOf: frame.payload)
            whole = fragments
            fragments = []
        }
        return .message(isText ? .text(String(decoding: whole, as: UTF8.self)) : .binary(whole))
    }

    /// Parses a close frame's payload (§5.5.1, §7.4).
    public static func parseClose(_ payload: [UInt8]) throws(WebSocketProtocolError) -> WebSocketInbound {
        if payload.isEmpty { return .close(code: nil, reason: "") }
        if payload.count == 1 {
            throw WebSocketProtocolError(.protocolError, "close payload of one byte")
        }
        let code = WebSocketCloseCode(UInt16(payload[0]) << 8 | UInt16(payload[1]))
        guard code.isAllowedOnTheWire else {
            throw WebSocketProtocolError(.protocolError, "close code \(code.rawValue) is not allowed on the wire")
        }
        let reason = payload.dropFirst(2)
        guard UTF8Validator.isValid(reason) else {
            throw WebSocketProtocolError(.invalidPayloadData, "close reason is not valid UTF-8")
        }
        return .close(code: code, reason: String(decoding: reason, as: UTF8.self))
    }
}
