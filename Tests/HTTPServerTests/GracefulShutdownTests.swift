import HTTPServer
import XCTest

/// Shutdown stops accepting, lets requests in progress finish within the grace, then closes streams.
final class GracefulShutdownTests: XCTestCase {
    func testInFlightRequestFinishesStreamsCloseAndNewConnectionsAreRefused() async throws {
        var router = basicRouter()
        router.get("/slow") { _ in
            try? await Task.sleep(for: .milliseconds(300))  // a cancelled sleep only answers sooner
            return .text("finished")
        }
        router.get("/stream") { _ in
            .stream { writer in
                while !writer.isClosed {
                    try await writer.write("tick\n")
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
        }
        let server = try await LoopbackTestServer.start(router)
        let port = server.port
        let streamClient = try await blocking { () -> RawClient in
            let client = try RawClient(port: port)
            client.send("GET /stream HTTP/1.1\r\nHost: t\r\n\r\n")
            _ = try client.receive()
            return client
        }
        let idleClient = try await blocking { try RawClient(port: port) }
        async let slow = blocking { () -> (Int, String, String) in
            let client = try RawClient(port: port)
            client.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try client.receiveResponse()
            return (response.status, response.head, response.body)
        }
        try await waitUntil("three connections") { server.server.openConnectionCount == 3 }

        await server.stop(grace: .seconds(10))

        let (status, head, body) = try await slow
        XCTAssertEqual(status, 200)
        XCTAssertEqual(body, "finished")
        XCTAssertTrue(head.contains("Connection: close"), head)
        let streamRest = try await blocking { try streamClient.receiveUntilClosed() }
        XCTAssertTrue(streamRest.isEmpty || streamRest.contains("tick"), streamRest)
        let idleRest = try await blocking { try idleClient.receiveUntilClosed() }
        XCTAssertEqual(idleRest, "")
        XCTAssertThrowsError(try RawClient(port: port), "nothing listens any more")
    }

    func testGraceBoundsAHandlerThatNeverAnswers() async throws {
        var router = basicRouter()
        router.get("/never") { _ in
            try? await Task.sleep(for: .seconds(3600))  // cancellation is the only way out, and nobody cancels
            return .text("late")
        }
        let server = try await LoopbackTestServer.start(router)
        let port = server.port
        async let reply = blocking { () -> String in
            let client = try RawClient(port: port)
            client.send("GET /never HTTP/1.1\r\nHost: t\r\n\r\n")
            return try client.receiveUntilClosed()
        }
        try await waitUntil("the request to be in flight") { server.server.openConnectionCount == 1 }
        await server.stop(grace: .milliseconds(200))
        let answer = try await reply
        XCTAssertEqual(answer, "", "closed without an answer once the grace ran out")
    }
}
