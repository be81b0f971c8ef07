import XCTest
@testable import WebSocket

final class MessageAssemblerTests: XCTestCase {
    private func assemble(_ frames: [WebSocketFrame], maximumMessageSize: Int = 1000) -> ([WebSocketInbound], WebSocketProtocolError?) {
        var assembler = WebSocketMessageAssembler(maximumMessageSize: maximumMessageSize)
        var results: [WebSocketInbound] = []
        for frame in frames {
            do {
                if let inbound = try assembler.receive(frame) { results.append(inbound) }
            } catch {
                return (results, error)
            }
        }
        return (results, nil)
    }

    private func text(_ text: String, fin: Bool = true) -> WebSocketFrame { WebSocketFrame(fin: fin, opcode: .text, payload: Array(text.utf8)) }
    private func more(_ bytes: [UInt8], fin: Bool = true) -> WebSocketFrame { WebSocketFrame(fin: fin, opcode: .continuation, payload: bytes) }

    func testReassemblesFragmentsAndLetsControlFramesInterleave() {
        let (results, error) = assemble([
            text("fab", fin: false), WebSocketFrame(opcode: .ping, payload: [1]), more(Array("ric".utf8), fin: false), more([], fin: true),
            WebSocketFrame(fin: false, opcode: .binary, payload: [1, 2]), more([3]),
            text("single"),
        ])
        XCTAssertNil(error)
        XCTAssertEqual(results, [.ping([1]), .message(.text("fabric")), .message(.binary([1, 2, 3])), .message(.text("single"))])
    }

    func testValidatesUTF8AcrossFragmentBoundaries() {
        let euro: [UInt8] = [0xE2, 0x82, 0xAC]
        let (results, error) = assemble([WebSocketFrame(fin: false, opcode: .text, payload: [euro[0]]), more([euro[1]], fin: false), more([euro[2]])])
        XCTAssertNil(error)
        XCTAssertEqual(results, [.message(.text("€"))])
    }

    func testBreaksFragmentationRulesWithTheRightCode() {
        let cases: [(String, [WebSocketFrame], WebSocketCloseCode)] = [
            ("continuation with none open", [more(Array("x".utf8))], .protocolError),
            ("new text while one is open", [text("a", fin: false), text("b")], .protocolError),
            ("new binary while text is open", [text("a", fin: false), WebSocketFrame(opcode: .binary, payload: [1])], .protocolError),
            ("one frame over the limit", [text(String(repeating: "x", count: 11))], .messageTooBig),
            ("fragments adding up over the limit", [text("123456", fin: false), more(Array("78901".utf8))], .messageTooBig),
            ("invalid UTF-8 in one frame", [WebSocketFrame(opcode: .text, payload: [0x61, 0xFF])], .invalidPayloadData),
            ("invalid UTF-8 in a middle fragment", [text("ok", fin: false), more([0xC0, 0x80], fin: false)], .invalidPayloadData),
            ("text ending inside a character", [WebSocketFrame(fin: false, opcode: .text, payload: [0xE2, 0x82]), more([])], .invalidPayloadData),
        ]
        for (name, frames, code) in cases {
            XCTAssertEqual(assemble(frames, maximumMessageSize: 10).1?.code, code, name)
        }
    }

    func testFailsInvalidUTF8BeforeTheMessageEnds() {
        var assembler = WebSocketMessageAssembler(maximumMessageSize: 100)
        XCTAssertNil(try assembler.receive(text("fine", fin: false)))
        XCTAssertThrowsError(try assembler.receive(more([0xED, 0xA0, 0x80], fin: false)))
    }

    func testBinaryMessagesAreNotCheckedAsText() {
        XCTAssertEqual(assemble([WebSocketFrame(opcode: .binary, payload: [0xFF, 0xC0])]).0, [.message(.binary([0xFF, 0xC0]))])
    }

    func testParsesClosePayloads() throws {
        let cases: [(String, [UInt8], WebSocketInbound?, WebSocketCloseCode?)] = [
            ("empty", [], .close(code: nil, reason: ""), nil),
            ("1000 with reason", [0x03, 0xE8] + Array("done".utf8), .close(code: .normalClosure, reason: "done"), nil),
            ("1013", [0x03, 0xF5], .close(code: .tryAgainLater, reason: ""), nil),
            ("application 4000", [0x0F, 0xA0], .close(code: WebSocketCloseCode(4000), reason: ""), nil),
            ("one byte", [0x03], nil, .protocolError),
            ("1005 on the wire", [0x03, 0xED], nil, .protocolError),
            ("1006 on the wire", [0x03, 0xEE], nil, .protocolError),
            ("1015 on the wire", [0x03, 0xF7], nil, .protocolError),
            ("1004 reserved", [0x03, 0xEC], nil, .protocolError),
            ("999", [0x03, 0xE7], nil, .protocolError),
            ("2999", [0x0B, 0xB7], nil, .protocolError),
            ("5000", [0x13, 0x88], nil, .protocolError),
            ("invalid UTF-8 reason", [0x03, 0xE8, 0xFF], nil, .invalidPayloadData),
        ]
        for (name, payload, expected, code) in cases {
            let (results, error) = assemble([WebSocketFrame(opcode: .close, payload: payload)])
            XCTAssertEqual(results.first, expected, name)
            XCTAssertEqual(error?.code, code, name)
        }
    }
}
