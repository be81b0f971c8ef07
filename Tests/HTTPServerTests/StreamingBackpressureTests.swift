import HTTPServer
import Synchronization
import XCTest

/// What a streaming handler saw, for the test to inspect.
final class StreamProbe: Sendable {
    struct Seen: Sendable {
        var accepted = 0
        var wouldBlock = 0
        var largestBuffered = 0
        var suspendedWriteStarted = false
        var suspendedWriteEnded = false
        var writeThrew = false
        var onCloseRan = false
    }
    let seen = Mutex(Seen())
    func update(_ change: (inout Seen) -> Void) { seen.withLock { change(&$0) } }
    var snapshot: Seen { seen.withLock { $0 } }
}

/// A watch or SSE stream to a reader that stops reading must not buffer without bound:
/// the writer learns (wouldBlock, a suspended write) and the caller decides; others are unaffected.
final class StreamingBackpressureTests: XCTestCase {
    func testClientThatNeverReadsMakesTheWriterBlockWithBoundedMemory() async throws {
        let probe = StreamProbe()
        let chunk = [UInt8](repeating: 0x78, count: 64 * 1024)
        var router = basicRouter()
        router.get("/watch") { _ in
            .stream(headers: ["Content-Type": "application/json"]) { writer in
                writer.onClose { probe.update { $0.onCloseRan = true } }
                // Non-suspending writes until the queue is full.
                while true {
                    switch writer.tryWrite(chunk) {
                    case .accepted:
                        probe.update { $0.accepted += 1; $0.largestBuffered = max($0.largestBuffered, writer.bufferedBytes) }
                        continue
                    case .wouldBlock(let buffered):
                        probe.update { $0.wouldBlock += 1; $0.largestBuffered = max($0.largestBuffered, buffered) }
                    case .closed:
                        return
                    }
                    break
                }
                // A suspending write now waits for a reader that never comes, until the peer goes.
                probe.update { $0.suspendedWriteStarted = true }
                do {
                    try await writer.write(chunk)
                    probe.update { $0.suspendedWriteEnded = true }
                } catch {
                    probe.update { $0.writeThrew = true }
                }
            }
        }
        var configuration = HTTPServerConfiguration()
        configuration.maxQueuedBytesPerConnection = 256 * 1024
        let server = try await LoopbackTestServer.start(router, configuration: configuration)
        let port = server.port
        let reader = try await blocking { () -> RawClient in
            let client = try RawClient(port: port)
            // Shrink the client's receive buffer so the kernel holds less on its side.
            var size: Int32 = 64 * 1024
            setsockopt(client.fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
            client.send("GET /watch HTTP/1.1\r\nHost: t\r\n\r\n")
            return client
        }
        try await waitUntil("the writer to see wouldBlock") { probe.snapshot.wouldBlock > 0 && probe.snapshot.suspendedWriteStarted }
        try await assertServerAnswers(port: port)
        let blocked = probe.snapshot
        XCTAssertLessThanOrEqual(blocked.largestBuffered, 256 * 1024 + chunk.count, "the per-connection queue stays bounded")
        XCTAssertFalse(blocked.suspendedWriteEnded, "write suspends while the reader does not read")
        XCTAssertFalse(blocked.onCloseRan)

        // The reader goes away: the suspended write fails and onClose runs, so a watch can stop.
        withExtendedLifetime(reader) {}
        _ = consume reader
        try await waitUntil("the writer to learn the peer is gone") { probe.snapshot.writeThrew && probe.snapshot.onCloseRan }
        try await waitUntil("the connection to be released") { server.server.openConnectionCount == 0 }
        await server.stop()
    }

    func testStreamIsDeliveredChunkedToCurlAndEndsCleanly() async throws {
        var router = basicRouter()
        router.get("/events") { _ in
            .stream(headers: ["Content-Type": "text/event-stream"]) { writer in
                for index in 1...3 {
                    try await writer.write("id: \(index)\ndata: {\"seq\":\(index)}\n\n")
                }
            }
        }
        let server = try await LoopbackTestServer.start(router)
        let output = try await curl(["-N", "-i", "\(server.baseURL)/events", "\(server.baseURL)/hello"])
        await server.stop()
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertTrue(output.stdout.contains("Transfer-Encoding: chunked"), output.stdout)
        XCTAssertTrue(output.stdout.contains("id: 1\ndata: {\"seq\":1}\n\nid: 2\ndata: {\"seq\":2}\n\nid: 3\ndata: {\"seq\":3}\n\n"), output.stdout)
        XCTAssertTrue(output.stdout.hasSuffix("hello"), "the keep-alive connection serves the next request: \(output.stdout)")
    }

    func testWriterSeesClosedWhenTheClientDisconnects() async throws {
        let probe = StreamProbe()
        var router = basicRouter()
        router.get("/forever") { _ in
            .stream { writer in
                writer.onClose { probe.update { $0.onCloseRan = true } }
                await writer.closed()
                probe.update { $0.writeThrew = writer.tryWrite([1]) == .closed }
            }
        }
        let server = try await LoopbackTestServer.start(router)
        let head = try await blocking {
            let client = try RawClient(port: server.port)
            client.send("GET /forever HTTP/1.1\r\nHost: t\r\n\r\n")
            return String(decoding: try client.receive(), as: UTF8.self)
        }
        XCTAssertTrue(head.hasPrefix("HTTP/1.1 200 OK\r\n"), head)
        try await waitUntil("the stream to learn the client left") { probe.snapshot.onCloseRan && probe.snapshot.writeThrew }
        await server.stop()
    }
}
