import XCTest
@testable import WebSocket

final class HandshakeTests: XCTestCase {
    private let validHeaders: [(name: String, value: String)] = [
        ("Host", "server.example.com"),
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
        ("Sec-WebSocket-Version", "13"),
    ]

    private func headers(replacing name: String, with value: String?) -> [(name: String, value: String)] {
        var result = validHeaders.filter { $0.name.lowercased() != name.lowercased() }
        if let value { result.append((name, value)) }
        return result
    }

    private func header(_ name: String, in list: [(name: String, value: String)]) -> String? {
        list.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    func testComputesTheAcceptValueOfRFC6455Section1_3() {
        XCTAssertEqual(WebSocketHandshake.acceptValue(forKey: "dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    func testAcceptsAValidRequestWithThe101Headers() {
        guard case .accept(let response, let subprotocol) = WebSocketHandshake.evaluate(method: "GET", httpVersion: "HTTP/1.1", headers: validHeaders) else {
            return XCTFail("expected acceptance")
        }
        XCTAssertNil(subprotocol)
        XCTAssertEqual(header("Upgrade", in: response), "websocket")
        XCTAssertEqual(header("Connection", in: response), "Upgrade")
        XCTAssertEqual(header("Sec-WebSocket-Accept", in: response), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        XCTAssertNil(header("Sec-WebSocket-Protocol", in: response))
    }

    func testAcceptsTokensInAnyCaseAndAmongOthers() {
        let variants: [(String, String)] = [
            ("Upgrade", "WebSocket"), ("Upgrade", "h2c, websocket"),
            ("Connection", "keep-alive, Upgrade"), ("Connection", "UPGRADE"), ("Connection", "keep-alive,upgrade"),
            ("Sec-WebSocket-Key", "  dGhlIHNhbXBsZSBub25jZQ==  "),
        ]
        for (name, value) in variants {
            let result = WebSocketHandshake.evaluate(method: "GET", httpVersion: "HTTP/1.1", headers: headers(replacing: name, with: value))
            XCTAssertEqual(result.status, 101, "\(name): \(value)")
        }
        let lowercaseNames = validHeaders.map { (name: $0.name.lowercased(), value: $0.value) }
        XCTAssertEqual(WebSocketHandshake.evaluate(method: "GET", httpVersion: "HTTP/1.1", headers: lowercaseNames).status, 101)
    }

    func testRejectsMalformedRequestsWithTheRightStatus() {
        let cases: [(String, String, String, [(name: String, value: String)], Int)] = [
            ("POST", "POST", "HTTP/1.1", validHeaders, 405),
            ("HTTP/1.0", "GET", "HTTP/1.0", validHeaders, 400),
            ("no Upgrade", "GET", "HTTP/1.1", headers(replacing: "Upgrade", with: nil), 400),
            ("Upgrade: h2c", "GET", "HTTP/1.1", headers(replacing: "Upgrade", with: "h2c"), 400),
            ("Connection: keep-alive", "GET", "HTTP/1.1", headers(replacing: "Connection", with: "keep-alive"), 400),
            ("Connection: upgraded", "GET", "HTTP/1.1", headers(replacing: "Connection", with: "upgraded"), 400),
            ("version 8", "GET", "HTTP/1.1", headers(replacing: "Sec-WebSocket-Version", with: "8"), 426),
            ("no version", "GET", "HTTP/1.1", headers(replacing: "Sec-WebSocket-Version", with: nil), 426),
            ("no key", "GET", "HTTP/1.1", headers(replacing: "Sec-WebSocket-Key", with: nil), 400),
            ("key not base64", "GET", "HTTP/1.1", headers(replacing: "Sec-WebSocket-Key", with: "not base64!"), 400),
            ("key of 15 bytes", "GET", "HTTP/1.1", headers(replacing: "Sec-WebSocket-Key", with: Base64.encode([UInt8](repeating: 1, count: 15))), 400),
            ("two keys", "GET", "HTTP/1.1", validHeaders + [("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAA==")], 400),
        ]
        for (name, method, version, requestHeaders, status) in cases {
            XCTAssertEqual(WebSocketHandshake.evaluate(method: method, httpVersion: version, headers: requestHeaders).status, status, name)
        }
    }

    func testTellsAWrongVersionWhichVersionIsSpoken() {
        guard case .reject(426, _, let extra) = WebSocketHandshake.evaluate(method: "GET", httpVersion: "HTTP/1.1", headers: headers(replacing: "Sec-WebSocket-Version", with: "8")) else {
            return XCTFail("expected 426")
        }
        XCTAssertEqual(header("Sec-WebSocket-Version", in: extra), "13")
    }

    func testChecksTheOriginAgainstTheAllowList() {
        let options = WebSocketHandshakeOptions(allowedOrigins: ["https://noc.example.com"])
        let cases: [(String?, Int)] = [
            ("https://noc.example.com", 101),
            ("HTTPS://NOC.example.com/", 101),
            ("https://evil.example.com", 403),
            ("null", 403),
            (nil, 101), // not a browser: nothing to protect against
        ]
        for (origin, status) in cases {
            let result = WebSocketHandshake.evaluate(method: "GET", httpVersion: "HTTP/1.1", headers: headers(replacing: "Origin", with: origin), options: options)
            XCTAssertEqual(result.status, status, origin ?? "no origin")
        }
        XCTAssertEqual(WebSocketHandshake.evaluate(method: "GET", httpVersion: "HTTP/1.1", headers: headers(replacing: "Origin", with: "https://any.example")).status, 101, "no allow-list allows any origin")
    }

    func testNegotiatesTheServersPreferredSubprotocolAmongTheOffered() {
        let options = WebSocketHandshakeOptions(subprotocols: ["fabricsync.v2", "fabricsync.v1"])
        let cases: [(String?, String?)] = [
            ("fabricsync.v1, fabricsync.v2", "fabricsync.v2"),
            ("chat, fabricsync.v1", "fabricsync.v1"),
            ("chat", nil),
            (nil, nil),
        ]
        for (offered, expected) in cases {
            let result = WebSocketHandshake.evaluate(method: "GET", httpVersion: "HTTP/1.1", headers: headers(replacing: "Sec-WebSocket-Protocol", with: offered), options: options)
            guard case .accept(let response, let chosen) = result else { return XCTFail("expected acceptance for \(offered ?? "nothing")") }
            XCTAssertEqual(chosen, expected)
            XCTAssertEqual(header("Sec-WebSocket-Protocol", in: response), expected)
        }
    }
}
