/// Which end of the connection the codec serves; it decides the masking rules (RFC 6455 §5.1):
/// a server requires masked frames and sends unmasked ones, a client the other way round.
public enum WebSocketRole: Sendable {
    case server
    case client
}

/// Turns a byte stream cut at arbitrary boundaries into frames, enforcing the frame-level rules.
///
/// Checks made on the header, before any payload is buffered: RSV bits (no extension is ever
/// negotiated), known opcodes, control frames unfragmented and at most 125 bytes, the masking rule
/// of the role, and the length against `maximumFrameSize` (so a header claiming 2^63 bytes costs
/// nothing). Message-level rules (fragmentation order, UTF-8, close payloads) belong to
/// `WebSocketMessageAssembler`.
public struct WebSocketFrameDecoder: Sendable {
    public let role: WebSocketRole
    public let maximumFrameSize: Int
    private var buffer: [UInt8] = []
    private var readIndex = 0

    public init(role: WebSocketRole, maximumFrameSize: Int) {
        self.role = role
        self.maximumFrameSize = maximumFrameSize
    }

    /// Bytes received but not yet returned as frames.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
    }

    /// The next complete frame, nil when more bytes are needed, or the error that must fail the connection.
    public mutating func nextFrame() throws(WebSocketProtocolError) -> WebSocketFrame? {
        let available = buffer.count - readIndex
        guard available >= 1 else { return nil }
        let first = buffer[readIndex]
        if first & 0x70 != 0 {
            throw WebSocketProtocolError(.protocolError, "reserved bits set without a negotiated extension")
        }
        guard let opcode = WebSocketOpcode(rawValue: first & 0x0F) else {
            throw WebSocketProtocolError(.protocolError, "unknown opcode \(first & 0x0F)")
        }
        let fin = first & 0x80 != 0
        if opcode.isControl, !fin {
            throw WebSocketProtocolError(.protocolError, "fragmented control frame")
        }
        guard available >= 2 else { return nil }
        let second = buffer[readIndex + 1]
        let masked = second & 0x80 != 0
        switch (role, masked) {
        case (.server, false): throw WebSocketProtocolError(.protocolError, "client frame not masked")
        case (.client, true): throw WebSocketProtocolError(.protocolError, "server frame masked")
        default: break
        }
        let shortLength = Int(second & 0x7F)
        if opcode.isControl, shortLength > 125 {
            throw WebSocketProtocolError(.protocolError, "control frame payload over 125 bytes")
        }
        let lengthBytes = shortLength == 126 ? 2 : shortLength == 127 ? 8 : 0
        let headerSize = 2 + lengthBytes + (masked ? 4 : 0)
        guard available >= 2 + lengthBytes else { return nil }
        var length = UInt64(shortLength)
        if lengthBytes > 0 {
            length = 0
            for offset in 0..<lengthBytes {
                length = length << 8 | UInt64(buffer[readIndex + 2 + offset])
            }
        }
        if length > UInt64(maximumFrameSize) {
            throw WebSocketProtocolError(.messageTooBig, "frame of \(length) bytes over the \(maximumFrameSize)-byte limit")
        }
        let payloadLength = Int(length)
        guard available >= headerSize + payloadLength else { return nil }
        let payloadStart = readIndex + headerSize
        var payload = Array(buffer[payloadStart..<payloadStart + payloadLength])
        if masked {
            let keyStart = payloadStart - 4
            let key = (buffer[keyStart], buffer[keyStart + 1], buffer[keyStart + 2], buffer[keyStart + 3])
            WebSocketMask.apply(key, to: &payload)
        }
        readIndex = payloadStart + payloadLength
        if readIndex == buffer.count {
            // An idle connection keeps a small buffer, not the largest message it ever received.
            buffer.removeAll(keepingCapacity: buffer.capacity <= 16 * 1024)
            readIndex = 0
        } else if readIndex > 64 * 1024 {
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
        return WebSocketFrame(fin: fin, opcode: opcode, payload: payload)
    }
}

/// The XOR masking of §5.3, the same operation both ways.
enum WebSocketMask {
    static func apply(_ key: (UInt8, UInt8, UInt8, UInt8), to payload: inout [UInt8]) {
        let keyWord = [key.0, key.1, key.2, key.3]
        payload.withUnsafeMutableBufferPointer { bytes in
            for index in bytes.indices {
                bytes[index] ^= keyWord[index & 3]
            }
        }
    }
}
