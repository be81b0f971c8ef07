@testable import WebSocket

/// Frames as a client sends them (masked), for feeding the server-side codec.
enum ClientFrames {
    static let key: (UInt8, UInt8, UInt8, UInt8) = (0x37, 0xFA, 0x21, 0x3D)

    static func frame(_ opcode: WebSocketOpcode, _ payload: [UInt8] = [], fin: Bool = true) -> [UInt8] {
        WebSocketFrameEncoder.encode(WebSocketFrame(fin: fin, opcode: opcode, payload: payload), maskingKey: key)
    }

    static func text(_ text: String, fin: Bool = true) -> [UInt8] { frame(.text, Array(text.utf8), fin: fin) }

    static func close(_ code: UInt16, _ reason: String = "") -> [UInt8] {
        frame(.close, [UInt8(code >> 8), UInt8(code & 0xFF)] + Array(reason.utf8))
    }

    /// A raw header: first byte, then the length field as given, masked with `key`.
    static func header(_ first: UInt8, lengthField: [UInt8], masked: Bool = true) -> [UInt8] {
        var bytes = [first]
        bytes.append(lengthField[0] | (masked ? 0x80 : 0))
        bytes.append(contentsOf: lengthField.dropFirst())
        if masked { bytes.append(contentsOf: [key.0, key.1, key.2, key.3]) }
        return bytes
    }
}

/// Decodes a whole stream fed in the given chunks: the frames, then the error if one was thrown.
func decodeFrames(_ chunks: [ArraySlice<UInt8>], role: WebSocketRole = .server, maximumFrameSize: Int = 1 << 20) -> ([WebSocketFrame], WebSocketProtocolError?) {
    var decoder = WebSocketFrameDecoder(role: role, maximumFrameSize: maximumFrameSize)
    var frames: [WebSocketFrame] = []
    for chunk in chunks {
        decoder.append(chunk)
        do {
            while let frame = try decoder.nextFrame() { frames.append(frame) }
        } catch {
            return (frames, error)
        }
    }
    return (frames, nil)
}
