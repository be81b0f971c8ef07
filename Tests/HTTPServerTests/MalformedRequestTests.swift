import HTTPServer
import XCTest

/// Requests that break the protocol or its limits get their 4xx/5xx over a raw socket, then the connection closes.
final class MalformedRequestTests: XCTestCase {
    private func answer(to bytes: [UInt8], port: Int) async throws -> String {
        try await blocking {
            let client = try RawClient(port: port)
            // The server may answer and close before all bytes are sent; the answer is what counts.
            let sender = Thread { client.send(bytes) }
            sender.start()
            return try client.receiveUntilClosed()
        }
    }

    func testMalformedRequestLineGets400AndClose() async throws {
        let server = try await LoopbackTestServer.start(basicRouter())
        let reply = try await answer(to: Array("THIS IS NOT HTTP\r\n\r\n".utf8), port: server.port)
        try await assertServerAnswers(port: server.port)
        await server.stop()
        XCTAssertTrue(reply.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), reply)
        XCTAssertTrue(reply.contains("Connection: close"), reply)
    }

    func testOneMegabyteHeaderGets431() async throws {
        let server = try await LoopbackTestServer.start(basicRouter())
        let request = "GET /hello HTTP/1.1\r\nHost: t\r\nX-Big: " + String(repeating: "a", count: 1 << 20) + "\r\n\r\n"
        let reply = try await answer(to: Array(request.utf8), port: server.port)
        try await assertServerAnswers(port: server.port)
        await server.stop()
        XCTAssertTrue(reply.hasPrefix("HTTP/1.1 431 Request Header Fields Too Large\r\n"), String(reply.prefix(200)))
    }

    func testLongRequestLineGets414() async throws {
        let server = try await LoopbackTestServer.start(basicRouter())
        let request = "GET /" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\nHost: t\r\n\r\n"
        let reply = try await answer(to: Array(request.utf8), port: server.port)
        await server.stop()
        XCTAssertTrue(reply.hasPrefix("HTTP/1.1 414 URI Too Long\r\n"), String(reply.prefix(200)))
    }

    func testUnsupportedVersionAndCodingGet505And501() async throws {
        let server = try await LoopbackTestServer.start(basicRouter())
        let version = try await answer(to: Array("GET /hello HTTP/3.0\r\nHost: t\r\n\r\n".utf8), port: server.port)
        let coding = try await answer(to: Array("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n".utf8), port: server.port)
        await server.stop()
        XCTAssertTrue(version.hasPrefix("HTTP/1.1 505 "), version)
        XCTAssertTrue(coding.hasPrefix("HTTP/1.1 501 "), coding)
    }

    func testUnknownPathGets404AndWrongMethodGets405WithAllow() async throws {
        let server = try await LoopbackTestServer.start(basicRouter())
        let (missing, wrong) = try await blocking {
            let client = try RawClient(port: server.port)
            client.send("GET /missing HTTP/1.1\r\nHost: t\r\n\r\nDELETE /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            return (try client.receiveResponse(), try client.receiveResponse())
        }
        await server.stop()
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(wrong.status, 405)
        XCTAssertTrue(wrong.head.contains("\r\nAllow: GET, HEAD"), wrong.head)
        XCTAssertTrue(wrong.body.contains(#""code":405"#), wrong.body)
    }
}
