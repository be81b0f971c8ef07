import HTTPServer
import XCTest

/// Slow-loris: a client trickling its head gets 408 after the header timeout; others are served meanwhile.
final class SlowClientTests: XCTestCase {
    func testOneBytePerSecondSenderGets408AfterHeaderTimeout() async throws {
        var configuration = HTTPServerConfiguration()
        configuration.headerReadTimeout = .seconds(2)
        let server = try await LoopbackTestServer.start(basicRouter(), configuration: configuration)
        let port = server.port
        async let reply = blocking { () -> String in
            let client = try RawClient(port: port)
            let request = Array("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n".utf8)
            let sender = Thread {
                for byte in request {
                    guard client.send([byte]) else { return }
                    sleep(1)
                }
            }
            sender.start()
            return try client.receiveUntilClosed()
        }
        try await Task.sleep(for: .milliseconds(500))
        try await assertServerAnswers(port: port)
        let answer = try await reply
        await server.stop()
        XCTAssertTrue(answer.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"), answer)
    }

    func testIdleKeepAliveConnectionIsClosedAfterIdleTimeout() async throws {
        var configuration = HTTPServerConfiguration()
        configuration.idleTimeout = .milliseconds(300)
        let server = try await LoopbackTestServer.start(basicRouter(), configuration: configuration)
        let (response, rest) = try await blocking {
            let client = try RawClient(port: server.port)
            client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try client.receiveResponse()
            return (response, try client.receiveUntilClosed())
        }
        await server.stop()
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(rest, "", "closed without another answer")
    }
}
