/// Writes frames: unmasked for a server, masked with the given key for a client (RFC 6455 §5.2),
/// always with the shortest length form (7, 16 or 64 bits).
public enum WebSocketFrameEncoder {
    public static func encode(_ frame: WebSocketFrame, maskingKey: (UInt8, UInt8, UInt8, UInt8)? = nil) -> [UInt8] {
        let length = frame.payload.count
        var bytes: [UInt8] = []
        bytes.reserveCapacity(length + 14)
        bytes.append((frame.fin ? 0x80 : 0) | frame.opcode.rawValue)
        let maskBit: UInt8 = maskingKey == nil ? 0 : 0x80
        switch length {
        case 0...125:
            bytes.append(maskBit | UInt8(length))
        case 126...0xFFFF:
            bytes.append(maskBit | 126)
            bytes.append(UInt8(truncatingIfNeeded: length >> 8))
            bytes.append(UInt8(truncatingIfNeeded: length))
        default:
            bytes.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) {
                bytes.append(UInt8(truncatingIfNeeded: UInt64(length) >> UInt64(shift)))
            }
        }
        if let maskingKey {
            bytes.append(contentsOf: [maskingKey.0, maskingKey.1, maskingKey.2, maskingKey.3])
            var payload = frame.payload
            WebSocketMask.apply(maskingKey, to: &payload)
            bytes.append(contentsOf: payload)
        } else {
            bytes.append(contentsOf: frame.payload)
        }
        return bytes
    }

    public static func text(_ text: String) -> [UInt8] {
        encode(WebSocketFrame(opcode: .text, payload: Array(text.utf8)))
    }

    public static func binary(_ payload: [UInt8]) -> [UInt8] {
        encode(WebSocketFrame(opcode: .binary, payload: payload))
    }

    public static func ping(_ payload: [UInt8] = []) -> [UInt8] {
        encode(WebSocketFrame(opcode: .ping, payload: Array(payload.prefix(125))))
    }

    public static func pong(_ payload: [UInt8] = []) -> [UInt8] {
        encode(WebSocketFrame(opcode: .pong, payload: Array(payload.prefix(125))))
    }

    /// A close frame; `code == nil` sends an empty payload (the peer sees 1005).
    public static func close(code: WebSocketCloseCode?, reason: String = "", maskingKey: (UInt8, UInt8, UInt8, UInt8)? = nil) -> [UInt8] {
        encode(WebSocketFrame(opcode: .close, payload: closePayload(code: code, reason: reason)), maskingKey: maskingKey)
    }

    /// Code in network order then the reason, cut to fit 125 bytes without splitting a character.
    public static func closePayload(code: WebSocketCloseCode?, reason: String) -> [UInt8] {
        guard let code else { return [] }
        var payload = [UInt8(truncatingIfNeeded: code.rawValue >> 8), UInt8(truncatingIfNeeded: code.rawValue)]
        var reasonBytes = 0
        for scalar in reason.unicodeScalars {
            let width = String(scalar).utf8.count
            if reasonBytes + width > 123 { break }
            reasonBytes += width
        }
        payload.append(contentsOf: reason.utf8.prefix(reasonBytes))
        return payload
    }
}
