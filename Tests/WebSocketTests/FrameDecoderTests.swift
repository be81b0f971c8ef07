import XCTest
@testable import WebSocket

final class FrameDecoderTests: XCTestCase {
    private let medium = [UInt8](repeating: 0x5A, count: 300)
    private let large = (0..<70_000).map { UInt8(truncatingIfNeeded: $0) }

    private var validStreams: [(String, [UInt8], [WebSocketFrame])] {
        [
            ("empty text", ClientFrames.text(""), [WebSocketFrame(opcode: .text)]),
            ("short text", ClientFrames.text("Hello"), [WebSocketFrame(opcode: .text, payload: Array("Hello".utf8))]),
            ("16-bit length", ClientFrames.frame(.binary, medium), [WebSocketFrame(opcode: .binary, payload: medium)]),
            ("64-bit length", ClientFrames.frame(.binary, large), [WebSocketFrame(opcode: .binary, payload: large)]),
            ("125-byte ping", ClientFrames.frame(.ping, Array(repeating: 1, count: 125)), [WebSocketFrame(opcode: .ping, payload: Array(repeating: 1, count: 125))]),
            (
                "fragments with a ping between",
                ClientFrames.text("Hel", fin: false) + ClientFrames.frame(.ping, [7]) + ClientFrames.frame(.continuation, Array("lo".utf8)),
                [
                    WebSocketFrame(fin: false, opcode: .text, payload: Array("Hel".utf8)),
                    WebSocketFrame(opcode: .ping, payload: [7]),
                    WebSocketFrame(opcode: .continuation, payload: Array("lo".utf8)),
                ]
            ),
            ("close with code", ClientFrames.close(1000, "bye"), [WebSocketFrame(opcode: .close, payload: [0x03, 0xE8] + Array("bye".utf8))]),
        ]
    }

    func testDecodesEveryStreamWhereverItIsSplit() {
        for (name, bytes, expected) in validStreams {
            let whole = decodeFrames([bytes[...]])
            XCTAssertEqual(whole.0, expected, name)
            XCTAssertNil(whole.1, name)
            // Large payloads would make every offset slow; the header region and a few payload cuts cover the boundaries.
            let offsets = bytes.count < 400 ? Array(0...bytes.count) : Array(0...20) + [bytes.count / 2, bytes.count - 1, bytes.count]
            for offset in offsets {
                let (frames, error) = decodeFrames([bytes[..<offset], bytes[offset...]])
                XCTAssertEqual(frames, expected, "\(name) split at \(offset)")
                XCTAssertNil(error, "\(name) split at \(offset)")
            }
        }
    }

    func testDecodesAStreamFedOneByteAtATime() {
        let bytes = validStreams.flatMap(\.1)
        let (frames, error) = decodeFrames(bytes.indices.map { bytes[$0...$0] })
        XCTAssertEqual(frames, validStreams.flatMap(\.2))
        XCTAssertNil(error)
    }

    func testFailsBrokenFramesWithTheRightCode() {
        let cases: [(String, [UInt8], WebSocketCloseCode)] = [
            ("unmasked client frame", WebSocketFrameEncoder.text("hi"), .protocolError),
            ("RSV1 set", ClientFrames.header(0xC1, lengthField: [0]), .protocolError),
            ("RSV2 set", ClientFrames.header(0xA1, lengthField: [0]), .protocolError),
            ("RSV3 set", ClientFrames.header(0x91, lengthField: [0]), .protocolError),
            ("opcode 3", ClientFrames.header(0x83, lengthField: [0]), .protocolError),
            ("opcode 0xB", ClientFrames.header(0x8B, lengthField: [0]), .protocolError),
            ("fragmented ping", ClientFrames.header(0x09, lengthField: [0]), .protocolError),
            ("ping of 126 bytes", ClientFrames.header(0x89, lengthField: [126, 0, 126]), .protocolError),
            ("close of 126 bytes", ClientFrames.header(0x88, lengthField: [126, 0, 126]), .protocolError),
            ("over the limit, 16-bit", ClientFrames.header(0x82, lengthField: [126, 0xFF, 0xFF]), .messageTooBig),
            ("over the limit, 64-bit", ClientFrames.header(0x82, lengthField: [127, 0, 0, 0, 1, 0, 0, 0, 0]), .messageTooBig),
            ("claims 2^63 bytes", ClientFrames.header(0x82, lengthField: [127, 0x80, 0, 0, 0, 0, 0, 0, 0]), .messageTooBig),
            ("claims 2^64-1 bytes", ClientFrames.header(0x82, lengthField: [127, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]), .messageTooBig),
        ]
        for (name, bytes, code) in cases {
            for offset in 0...bytes.count {
                let (frames, error) = decodeFrames([bytes[..<offset], bytes[offset...]], maximumFrameSize: 1000)
                XCTAssertEqual(frames, [], "\(name) split at \(offset)")
                XCTAssertEqual(error?.code, code, "\(name) split at \(offset)")
            }
        }
    }

    func testRejectsAHugeLengthFromTheHeaderAloneWithoutWaitingForPayload() {
        var decoder = WebSocketFrameDecoder(role: .server, maximumFrameSize: 1 << 20)
        decoder.append(ClientFrames.header(0x82, lengthField: [127, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]).prefix(10))
        XCTAssertThrowsError(try decoder.nextFrame()) { error in
            XCTAssertEqual((error as? WebSocketProtocolError)?.code, .messageTooBig)
        }
    }

    func testAClientRequiresUnmaskedServerFrames() {
        let fromServer = WebSocketFrameEncoder.text("hello")
        XCTAssertEqual(decodeFrames([fromServer[...]], role: .client).0, [WebSocketFrame(opcode: .text, payload: Array("hello".utf8))])
        let masked = ClientFrames.text("hello")
        XCTAssertEqual(decodeFrames([masked[...]], role: .client).1?.code, .protocolError)
    }

    func testKeepsBytesOfTheNextFrameBuffered() {
        var decoder = WebSocketFrameDecoder(role: .server, maximumFrameSize: 1000)
        let next = ClientFrames.text("second")
        decoder.append(ClientFrames.text("first") + next.prefix(3))
        XCTAssertEqual(try decoder.nextFrame()?.payload, Array("first".utf8))
        XCTAssertNil(try decoder.nextFrame())
        XCTAssertEqual(decoder.bufferedByteCount, 3)
        decoder.append(next.dropFirst(3))
        XCTAssertEqual(try decoder.nextFrame()?.payload, Array("second".utf8))
        XCTAssertEqual(decoder.bufferedByteCount, 0)
    }
}
