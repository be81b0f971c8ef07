import XCTest
@testable import WebSocket

final class ClientHandshakeTests: XCTestCase {
    private let key = "dGhlIHNhbXBsZSBub25jZQ=="

    func testWritesTheOpeningRequest() {
        let request = String(decoding: WebSocketClientHandshake.request(host: "127.0.0.1", port: 8080, path: "/api/v1/ws?token=t", key: key, headers: [("Origin", "http://localhost")]), as: UTF8.self)
        XCTAssertEqual(request, [
            "GET /api/v1/ws?token=t HTTP/1.1", "Host: 127.0.0.1:8080", "Upgrade: websocket", "Connection: Upgrade",
            "Sec-WebSocket-Key: \(key)", "Sec-WebSocket-Version: 13", "Origin: http://localhost", "", "",
        ].joined(separator: "\r\n"))
    }

    func testMakesKeysOf16RandomBytes() {
        let first = WebSocketClientHandshake.makeKey()
        XCTAssertEqual(Base64.decode(first)?.count, 16)
        XCTAssertNotEqual(first, WebSocketClientHandshake.makeKey())
    }

    func testAcceptsAProperSwitchingProtocolsResponse() throws {
        let head = "HTTP/1.1 101 Switching Protocols\r\nupgrade: WebSocket\r\nConnection: upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        try WebSocketClientHandshake.validate(responseHead: head, key: key)
    }

    func testRejectsAnythingElse() {
        let good = ["Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="]
        let cases: [(String, [String], String)] = [
            ("refused", ["HTTP/1.1 403 Forbidden"] + good, "refused"),
            ("not HTTP", ["SSH-2.0-OpenSSH"], "bad-response"),
            ("no upgrade", ["HTTP/1.1 101 Switching Protocols"] + good.dropFirst(), "bad-response"),
            ("wrong accept", ["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Accept: AAAA"], "bad-accept"),
            ("no accept", ["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade"], "bad-accept"),
            ("malformed header", ["HTTP/1.1 101 Switching Protocols", "no colon here"] + good, "bad-response"),
        ]
        for (name, lines, code) in cases {
            XCTAssertThrowsError(try WebSocketClientHandshake.validate(responseHead: lines.joined(separator: "\r\n"), key: key), name) { error in
                XCTAssertEqual((error as? WebSocketClientError)?.code, code, name)
            }
        }
    }
}
