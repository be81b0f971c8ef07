import HTTPServer
import XCTest

/// Bodies over the limit are refused with 413 before they are buffered; a route can set its own limit.
final class BodyLimitTests: XCTestCase {
    func testNeverEndingChunkedBodyGets413() async throws {
        var configuration = HTTPServerConfiguration()
        configuration.limits.maxBodyBytes = 64 * 1024
        let server = try await LoopbackTestServer.start(basicRouter(), configuration: configuration)
        let reply = try await blocking {
            let client = try RawClient(port: server.port)
            client.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
            let chunk = Array("1000\r\n".utf8) + [UInt8](repeating: 0x61, count: 4096) + Array("\r\n".utf8)
            // Sends chunks until the server stops taking them (at most 64 MB, far past the limit).
            let sender = Thread {
                for _ in 0..<16384 where client.send(chunk) {}
            }
            sender.start()
            return try client.receiveUntilClosed()
        }
        try await assertServerAnswers(port: server.port)
        await server.stop()
        // The server answers before the client stops sending and lingers before closing, so the
        // 413 is read rather than lost to a connection reset.
        XCTAssertTrue(reply.hasPrefix("HTTP/1.1 413 Content Too Large\r\n"), String(reply.prefix(200)))
    }

    func testContentLengthOverRouteLimitGets413WithoutReadingTheBody() async throws {
        let server = try await LoopbackTestServer.start(basicRouter())
        let (over, under) = try await blocking {
            let first = try RawClient(port: server.port)
            first.send("POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: 17\r\n\r\n")
            let over = try first.receiveUntilClosed()
            let second = try RawClient(port: server.port)
            second.send("POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: 16\r\n\r\n0123456789abcdef")
            return (over, try second.receiveResponse())
        }
        await server.stop()
        XCTAssertTrue(over.hasPrefix("HTTP/1.1 413 "), over)
        XCTAssertEqual(under.status, 200)
        XCTAssertEqual(under.body, "16")
    }
}
