import Glibc
import HTTPServer
import XCTest

/// Closing a stream or upgraded connection while the client's input sits unread must not reset
/// the connection: a reset can destroy our last bytes (a WebSocket close frame) before the client
/// reads them. The server shuts its side first and drops the client's input for a moment.
final class CleanCloseTests: XCTestCase {
    private let lastWords = Array("last words".utf8)

    private func configuration() -> HTTPServerConfiguration {
        var configuration = HTTPServerConfiguration()
        configuration.maxQueuedBytesPerConnection = 16 * 1024  // the handler's unread input stops here
        return configuration
    }

    /// Sends `request` and then junk until the handler has asked to close, so plenty is left unread
    /// in the server's socket when it does; finishes sending, waits for the server to release the
    /// connection, and only then reads everything it was sent.
    private func receiveAfterServerCloses(_ server: LoopbackTestServer, request: String, events: Events) async throws -> (bytes: [UInt8], reset: Bool, junkSent: Int) {
        let client = try await blocking { () -> RawClient in
            let client = try RawClient(port: server.port)
            client.send(request)
            return client
        }
        var junkSent = 0
        let deadline = ContinuousClock.now + .seconds(30)
        while !events.happened("closing") && ContinuousClock.now < deadline {
            junkSent += client.sendWithoutBlocking(0x6A, limit: 64 * 1024)
            try await Task.sleep(for: .milliseconds(5))
        }
        shutdown(client.fd, Int32(SHUT_WR))
        try await waitUntil("the server to release the connection") { server.server.openConnectionCount == 0 }
        let (bytes, reset) = try await blocking { try client.receiveToEnd() }
        return (bytes, reset, junkSent)
    }

    func testUpgradedConnectionDeliversItsLastBytesDespiteUnreadInput() async throws {
        let lastWords = self.lastWords
        let events = Events()
        let router = upgradeRouter { connection in
            _ = await connection.read()  // the client's junk is arriving; most of it stays unread
            try? await Task.sleep(for: .milliseconds(200))  // a cancelled sleep only shortens the wait
            do { try await connection.write(lastWords) } catch { return XCTFail("the connection closed early") }
            connection.close()
            events.record("closing")
        }
        let server = try await LoopbackTestServer.start(router, configuration: configuration())
        let (bytes, reset, junkSent) = try await receiveAfterServerCloses(server, request: upgradeRequest, events: events)
        XCTAssertGreaterThan(junkSent, 16 * 1024, "more input than the server reads was pending")
        XCTAssertFalse(reset, "the connection ended with a reset")
        XCTAssertEqual(afterHead(bytes), lastWords)
        await server.stop()
    }

    func testClosedStreamDeliversItsLastChunkDespiteUnreadInput() async throws {
        let events = Events()
        var router = basicRouter()
        router.get("/events") { _ in
            .stream(headers: ["Content-Type": "text/event-stream"]) { writer in
                try await Task.sleep(for: .milliseconds(200))
                try await writer.write("data: last words\n\n")
                writer.close()
                events.record("closing")
            }
        }
        let server = try await LoopbackTestServer.start(router, configuration: configuration())
        let (bytes, reset, junkSent) = try await receiveAfterServerCloses(server, request: "GET /events HTTP/1.1\r\nHost: t\r\n\r\n", events: events)
        XCTAssertGreaterThan(junkSent, 64 * 1024, "more input than the server reads was pending")
        XCTAssertFalse(reset, "the connection ended with a reset")
        XCTAssertEqual(String(decoding: afterHead(bytes), as: UTF8.self), "12\r\ndata: last words\n\n\r\n")
        await server.stop()
    }
}
