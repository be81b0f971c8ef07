import Glibc
import HTTPServer
import XCTest

/// Closing a stream or upgraded connection whose peer stopped reading: the queue gets until the
/// flush deadline, then the peer is cut off and its connection and buffers released, while other
/// clients are served all along.
final class StalledPeerCloseTests: XCTestCase {
    private func configuration(flushTimeout: Duration) -> HTTPServerConfiguration {
        var configuration = HTTPServerConfiguration()
        configuration.maxQueuedBytesPerConnection = 64 * 1024
        configuration.closeFlushTimeout = flushTimeout
        return configuration
    }

    func testUpgradedPeerThatStopsReadingIsCutOffAtTheFlushDeadline() async throws {
        let events = Events()
        let router = upgradeRouter { connection in
            _ = fillQueue(connection.tryWrite)
            events.record("queue full", "\(connection.bufferedBytes)")
            connection.close()  // the configured flush deadline
            XCTAssertEqual(connection.tryWrite([1]), .closed, "writes fail as soon as the close is asked for")
            await connection.closed()
            events.record("closed")
        }
        let server = try await LoopbackTestServer.start(router, configuration: configuration(flushTimeout: .seconds(1)))
        let stalled = try await blocking { () -> RawClient in
            let client = try RawClient(port: server.port, receiveBuffer: 4096)
            client.send(upgradeRequest)
            return client  // and never reads
        }
        try await waitUntil("the queue to fill") { events.happened("queue full") }
        let started = ContinuousClock.now
        try await assertServerAnswers(port: server.port)
        try await waitUntil("the stalled peer to be cut off") { events.happened("closed") && server.server.openConnectionCount == 0 }
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(30), "a guard against hangs, not a speed figure")
        let (received, reset) = try await blocking { try stalled.receiveToEnd() }
        XCTAssertTrue(reset, "a peer that did not take the queue in time is reset, not sent the rest")
        XCTAssertLessThan(received.count, 64 * 1024 + 16 * 1024 + 200, "the queue was dropped, not delivered")
        await server.stop()
    }

    func testStreamReaderThatStopsReadingIsCutOffAtTheFlushDeadline() async throws {
        let events = Events()
        var router = basicRouter()
        router.get("/events") { _ in
            .stream(headers: ["Content-Type": "text/event-stream"]) { writer in
                _ = fillQueue(writer.tryWrite)
                events.record("queue full")
                writer.close(flushTimeout: .milliseconds(500))
                await writer.closed()
                events.record("closed")
            }
        }
        // The server's default deadline is far off: the one given to close() is what counts.
        let server = try await LoopbackTestServer.start(router, configuration: configuration(flushTimeout: .seconds(600)))
        let stalled = try await blocking { () -> RawClient in
            let client = try RawClient(port: server.port, receiveBuffer: 4096)
            client.send("GET /events HTTP/1.1\r\nHost: t\r\n\r\n")
            return client
        }
        try await waitUntil("the queue to fill") { events.happened("queue full") }
        try await assertServerAnswers(port: server.port)
        try await waitUntil("the stalled reader to be cut off") { events.happened("closed") && server.server.openConnectionCount == 0 }
        let (_, reset) = try await blocking { try stalled.receiveToEnd() }
        XCTAssertTrue(reset)
        await server.stop()
    }

    func testFinishedStreamWhoseReaderStallsIsDroppedAfterTheIdleTimeout() async throws {
        let events = Events()
        var router = basicRouter()
        router.get("/events") { _ in
            .stream(headers: ["Content-Type": "text/event-stream"]) { writer in
                _ = fillQueue(writer.tryWrite)
                events.record("returned")  // the body is complete; its end still waits in the queue
            }
        }
        var configuration = configuration(flushTimeout: .seconds(600))
        configuration.idleTimeout = .seconds(1)
        let server = try await LoopbackTestServer.start(router, configuration: configuration)
        let stalled = try await blocking { () -> RawClient in
            let client = try RawClient(port: server.port, receiveBuffer: 4096)
            client.send("GET /events HTTP/1.1\r\nHost: t\r\n\r\n")
            return client
        }
        try await waitUntil("the handler to return") { events.happened("returned") }
        try await waitUntil("the stalled reader to be dropped") { server.server.openConnectionCount == 0 }
        withExtendedLifetime(stalled) {}
        await server.stop()
    }

    func testAbortClosesAtOnceWhateverIsQueued() async throws {
        let events = Events()
        let router = upgradeRouter { connection in
            _ = fillQueue(connection.tryWrite)
            connection.abort()
            XCTAssertTrue(connection.isClosed)
            await connection.closed()
            events.record("closed")
        }
        // Only abort() can end this connection within the test's life.
        let server = try await LoopbackTestServer.start(router, configuration: configuration(flushTimeout: .seconds(600)))
        let stalled = try await blocking { () -> RawClient in
            let client = try RawClient(port: server.port, receiveBuffer: 4096)
            client.send(upgradeRequest)
            return client
        }
        try await waitUntil("the aborted connection to be released") { events.happened("closed") && server.server.openConnectionCount == 0 }
        let (_, reset) = try await blocking { try stalled.receiveToEnd() }
        XCTAssertTrue(reset)
        await server.stop()
    }

    func testOtherUpgradedClientsKeepBeingServedWhileAStalledOneIsClosing() async throws {
        let events = Events()
        let router = upgradeRouter { connection in
            guard let first = await connection.read() else { return }
            if first == Array("stall".utf8) {
                _ = fillQueue(connection.tryWrite)
                connection.close()
                events.record("closing")
                return
            }
            // An echo for the well-behaved client.
            var next: [UInt8]? = first
            while let bytes = next {
                do { try await connection.write(bytes) } catch { return }
                next = await connection.read()
            }
        }
        // A long deadline: the stalled connection stays in its closing phase while the other talks.
        let server = try await LoopbackTestServer.start(router, configuration: configuration(flushTimeout: .seconds(600)))
        let stalled = try await blocking { () -> RawClient in
            let client = try RawClient(port: server.port, receiveBuffer: 4096)
            client.send(upgradeRequest + "stall")
            return client
        }
        try await waitUntil("the stalled connection to be closing") { events.happened("closing") }
        let echoes = try await blocking { () -> [String] in
            let client = try RawClient(port: server.port)
            client.send(upgradeRequest)
            var head: [UInt8] = []
            while !String(decoding: head, as: UTF8.self).contains("\r\n\r\n") { head += try client.receive() }
            var echoes: [String] = []
            for index in 0..<20 {
                let message = "message \(index)"
                client.send(message)
                var echoed = ""
                while echoed.count < message.count { echoed += String(decoding: try client.receive(), as: UTF8.self) }
                echoes.append(echoed)
            }
            return echoes
        }
        XCTAssertEqual(echoes, (0..<20).map { "message \($0)" })
        try await assertServerAnswers(port: server.port)
        // The other clients have gone; only the stalled connection is left, still closing.
        try await waitUntil("the other clients' connections to be released") { server.server.openConnectionCount == 1 }
        withExtendedLifetime(stalled) {}
        await server.stop()
    }
}
