import HTTPServer
import XCTest

/// Pipelined requests are answered in order even when an earlier one takes longer; 100-continue is honoured.
final class PipeliningTests: XCTestCase {
    private func router() -> Router {
        var router = basicRouter()
        router.get("/slow") { _ in
            try? await Task.sleep(for: .milliseconds(200))  // a cancelled sleep only answers sooner
            return .text("slow")
        }
        return router
    }

    func testPipelinedRequestsAreAnsweredInOrder() async throws {
        let server = try await LoopbackTestServer.start(router())
        let responses = try await blocking {
            let client = try RawClient(port: server.port)
            client.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n"
                + "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nbody"
                + "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n")
            return try (0..<4).map { _ in try client.receiveResponse().body }
        }
        await server.stop()
        XCTAssertEqual(responses, ["slow", "hello", "body", "ab"])
    }

    func testConnectionCloseEndsThePipelineAfterItsAnswer() async throws {
        let server = try await LoopbackTestServer.start(router())
        let (response, rest) = try await blocking {
            let client = try RawClient(port: server.port)
            client.send("GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            return (try client.receiveResponse(), try client.receiveUntilClosed())
        }
        await server.stop()
        XCTAssertEqual(response.status, 200)
        XCTAssertTrue(response.head.contains("Connection: close"), response.head)
        XCTAssertEqual(rest, "", "nothing after the answer to the request that said close")
    }

    func testExpectContinueGets100ThenTheAnswer() async throws {
        let server = try await LoopbackTestServer.start(router())
        let (interim, response) = try await blocking {
            let client = try RawClient(port: server.port)
            client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            var interim: [UInt8] = []
            while interim.count < 25 { interim += try client.receive(max: 25 - interim.count) }
            client.send("hello")
            return (String(decoding: interim, as: UTF8.self), try client.receiveResponse())
        }
        await server.stop()
        XCTAssertEqual(interim, "HTTP/1.1 100 Continue\r\n\r\n")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.body, "hello")
    }

    func testExpectContinueOverTheLimitOrToNowhereIsAnsweredAtOnce() async throws {
        let server = try await LoopbackTestServer.start(router())
        let (tooLarge, missing) = try await blocking {
            let first = try RawClient(port: server.port)
            first.send("POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n")
            let second = try RawClient(port: server.port)
            second.send("POST /nowhere HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n")
            return (try first.receiveUntilClosed(), try second.receiveUntilClosed())
        }
        await server.stop()
        XCTAssertTrue(tooLarge.hasPrefix("HTTP/1.1 413 "), tooLarge)
        XCTAssertTrue(missing.hasPrefix("HTTP/1.1 404 "), missing)
    }

    func testHTTP10KeepAliveIsHonouredWhenAsked() async throws {
        let server = try await LoopbackTestServer.start(router())
        let (first, second) = try await blocking {
            let client = try RawClient(port: server.port)
            client.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let first = try client.receiveResponse()
            client.send("GET /hello HTTP/1.0\r\n\r\n")
            return (first, try client.receiveResponse().head + "|" + (try client.receiveUntilClosed()))
        }
        await server.stop()
        XCTAssertTrue(first.head.contains("Connection: keep-alive"), first.head)
        XCTAssertTrue(second.contains("Connection: close"), second)
        XCTAssertTrue(second.hasSuffix("|"), "closed after the HTTP/1.0 answer: \(second)")
    }
}
