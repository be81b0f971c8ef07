import XCTest
@testable import WebSocket

final class FrameEncoderTests: XCTestCase {
    func testWritesTheShortestLengthForm() {
        let cases: [(Int, [UInt8])] = [
            (0, [0x82, 0]),
            (125, [0x82, 125]),
            (126, [0x82, 126, 0, 126]),
            (65535, [0x82, 126, 0xFF, 0xFF]),
            (65536, [0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0]),
        ]
        for (count, header) in cases {
            let bytes = WebSocketFrameEncoder.binary([UInt8](repeating: 9, count: count))
            XCTAssertEqual(Array(bytes.prefix(header.count)), header, "\(count) bytes")
            XCTAssertEqual(bytes.count, header.count + count, "\(count) bytes")
        }
    }

    func testWritesServerFramesUnmaskedWithTheirOpcodes() {
        XCTAssertEqual(WebSocketFrameEncoder.text("Hello"), [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
        XCTAssertEqual(WebSocketFrameEncoder.ping([1, 2]), [0x89, 0x02, 1, 2])
        XCTAssertEqual(WebSocketFrameEncoder.pong([]), [0x8A, 0x00])
        XCTAssertEqual(WebSocketFrameEncoder.encode(WebSocketFrame(fin: false, opcode: .text, payload: [0x41])), [0x01, 0x01, 0x41])
    }

    func testMasksClientFramesAsInRFC6455Section5_7() {
        // The RFC's masked "Hello" example.
        let bytes = WebSocketFrameEncoder.encode(WebSocketFrame(opcode: .text, payload: Array("Hello".utf8)), maskingKey: (0x37, 0xFA, 0x21, 0x3D))
        XCTAssertEqual(bytes, [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58])
    }

    func testWritesCloseFramesWithCodeAndReason() {
        XCTAssertEqual(WebSocketFrameEncoder.close(code: .tryAgainLater, reason: "slow"), [0x88, 0x06, 0x03, 0xF5] + Array("slow".utf8))
        XCTAssertEqual(WebSocketFrameEncoder.close(code: nil), [0x88, 0x00])
    }

    func testCutsALongCloseReasonToFitWithoutSplittingACharacter() {
        let reason = String(repeating: "é", count: 100) // 200 bytes
        let payload = WebSocketFrameEncoder.closePayload(code: .normalClosure, reason: reason)
        XCTAssertEqual(payload.count, 2 + 122)
        XCTAssertTrue(UTF8Validator.isValid(payload.dropFirst(2)))
        XCTAssertEqual(WebSocketFrameEncoder.closePayload(code: .normalClosure, reason: String(repeating: "a", count: 200)).count, 125)
    }

    func testRoundTripsThroughTheDecoder() {
        for count in [0, 1, 125, 126, 127, 65535, 65536, 100_000] {
            let frame = WebSocketFrame(opcode: .binary, payload: (0..<count).map { UInt8(truncatingIfNeeded: $0 * 7) })
            let bytes = WebSocketFrameEncoder.encode(frame)
            XCTAssertEqual(decodeFrames([bytes[...]], role: .client).0, [frame], "\(count) bytes")
        }
    }
}
