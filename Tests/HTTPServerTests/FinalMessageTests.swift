import Glibc
import HTTPServer
import XCTest

/// A slow client is told why it is cut off: one small final message is queued past the full
/// queue, and a client that resumes reading before the flush deadline receives it, last.
final class FinalMessageTests: XCTestCase {
    /// A WebSocket close frame with code 1013 (try again later), as the notifications server sends.
    private let closeFrame1013: [UInt8] = [0x88, 0x02, 0x03, 0xF5]

    private func configuration() -> HTTPServerConfiguration {
        var configuration = HTTPServerConfiguration()
        configuration.maxQueuedBytesPerConnection = 64 * 1024
        // Generous: the client resumes reading well before it; only a hang would reach it.
        configuration.closeFlushTimeout = .seconds(60)
        return configuration
    }

    func testFinalMessageGoesPastAFullQueueAndArrivesLastWhenTheClientResumes() async throws {
        let events = Events()
        let finalMessage = closeFrame1013
        let router = upgradeRouter { connection in
            let filled = fillQueue(connection.tryWrite)
            guard case .wouldBlock = connection.tryWrite([0x78]) else { return XCTFail("the queue should be full") }
            events.record("final", "\(connection.writeFinal(finalMessage))")
            events.record("write after final", "\(connection.tryWrite([0x78]))")
            events.record("filled", "\(filled)")
            connection.close()
        }
        let server = try await LoopbackTestServer.start(router, configuration: configuration())
        let client = try await blocking { () -> RawClient in
            let client = try RawClient(port: server.port, receiveBuffer: 4096)
            client.send(upgradeRequest)
            return client
        }
        try await waitUntil("the final message to be queued") { events.happened("filled") }
        XCTAssertEqual(events.value("final"), "\(WriteResult.accepted)", "the final message is accepted past the full queue")
        XCTAssertEqual(events.value("write after final"), "\(WriteResult.closed)", "nothing goes after the final message")
        // The client resumes reading.
        let (received, reset) = try await blocking {
            defer { shutdown(client.fd, Int32(SHUT_RDWR)) }  // ends the server's linger at once
            return try client.receiveToEnd()
        }
        let body = afterHead(received)
        XCTAssertFalse(reset, "the connection ends cleanly")
        XCTAssertEqual(Array(body.suffix(finalMessage.count)), finalMessage, "the final message arrives, last")
        XCTAssertEqual(body.count, (Int(events.value("filled") ?? "") ?? -1) + finalMessage.count, "nothing lost, nothing after")
        XCTAssertTrue(body.dropLast(finalMessage.count).allSatisfy { $0 == 0x78 }, "everything queued before it arrives too, in order")
        try await waitUntil("the connection to be released") { server.server.openConnectionCount == 0 }
        await server.stop()
    }

    func testAFinalMessageOverTheAllowanceWaitsForRoomLikeAnyWrite() async throws {
        let events = Events()
        let router = upgradeRouter { connection in
            _ = fillQueue(connection.tryWrite)
            let tooLarge = [UInt8](repeating: 0x79, count: HTTPServerConfiguration.finalMessageLimit + 1)
            events.record("large final", "\(connection.writeFinal(tooLarge))")
            events.record("write after refused final", "\(connection.tryWrite([0x78]))")
            connection.abort()
        }
        let server = try await LoopbackTestServer.start(router, configuration: configuration())
        let client = try await blocking { () -> RawClient in
            let client = try RawClient(port: server.port, receiveBuffer: 4096)
            client.send(upgradeRequest)
            return client
        }
        try await waitUntil("the handler to try") { events.happened("write after refused final") }
        XCTAssertTrue(events.value("large final")?.hasPrefix("wouldBlock") == true, events.value("large final") ?? "")
        XCTAssertTrue(events.value("write after refused final")?.hasPrefix("wouldBlock") == true, "a refused final message does not end the writes")
        try await waitUntil("the connection to be released") { server.server.openConnectionCount == 0 }
        withExtendedLifetime(client) {}
        await server.stop()
    }

    func testServerSentEventsReaderGetsAFinalCommentAsTheLastChunk() async throws {
        let events = Events()
        var router = basicRouter()
        router.get("/events") { _ in
            .stream(headers: ["Content-Type": "text/event-stream"]) { writer in
                _ = fillQueue(writer.tryWrite, filler: 0x0A)  // blank lines: valid, empty SSE
                events.record("final", "\(writer.writeFinal(": too slow, reconnect later\n\n"))")
                events.record("write after final", "\(writer.tryWrite(Array(": more\n\n".utf8)))")
                writer.close()
            }
        }
        let server = try await LoopbackTestServer.start(router, configuration: configuration())
        let client = try await blocking { () -> RawClient in
            let client = try RawClient(port: server.port, receiveBuffer: 4096)
            client.send("GET /events HTTP/1.1\r\nHost: t\r\n\r\n")
            return client
        }
        try await waitUntil("the final comment to be queued") { events.happened("write after final") }
        XCTAssertEqual(events.value("final"), "\(WriteResult.accepted)")
        XCTAssertEqual(events.value("write after final"), "\(WriteResult.closed)")
        let (received, reset) = try await blocking {
            defer { shutdown(client.fd, Int32(SHUT_RDWR)) }  // ends the server's linger at once
            return try client.receiveToEnd()
        }
        XCTAssertFalse(reset)
        let text = String(decoding: received, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("HTTP/1.1 200 OK\r\n"), String(text.prefix(200)))
        XCTAssertTrue(text.hasSuffix("1d\r\n: too slow, reconnect later\n\n\r\n"), "the last chunk is the comment: \(text.suffix(80).debugDescription)")
        XCTAssertFalse(text.hasSuffix("0\r\n\r\n"), "a cut-off stream is not terminated as if complete")
        try await waitUntil("the connection to be released") { server.server.openConnectionCount == 0 }
        await server.stop()
    }
}
