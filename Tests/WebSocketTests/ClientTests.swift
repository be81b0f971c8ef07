import HTTPServer
import XCTest
@testable import WebSocket

/// `WebSocketClient` over real sockets: against our own server, and against Python's `websockets`
/// server as the independent check that what it sends (masked frames, the handshake) is right.
final class ClientTests: XCTestCase {
    func testTalksToOurServerAndClosesCleanly() async throws {
        let server = try await EchoServer.start()
        let client = try await WebSocketClient.connect(host: "127.0.0.1", port: server.port, path: "/ws")
        var iterator = client.messages.makeAsyncIterator()
        for index in 0..<50 {
            try await client.send(text: "message \(index)")
        }
        for index in 0..<50 {
            let message = await iterator.next()
            XCTAssertEqual(message, .text("message \(index)"))
        }
        client.close(code: .normalClosure, reason: "done")
        while await iterator.next() != nil {}
        let closure = await client.closed()
        await server.stop()
        XCTAssertEqual(closure, WebSocketClosure(code: .normalClosure, reason: "done", initiatedByPeer: false))
    }

    func testManyConcurrentClientsEachGetTheirOwnEchoesInOrder() async throws {
        let server = try await EchoServer.start()
        let port = server.port
        let ordered = try await withThrowingTaskGroup(of: Bool.self) { group in
            for client in 0..<100 {
                group.addTask {
                    let connection = try await WebSocketClient.connect(host: "127.0.0.1", port: port, path: "/ws")
                    let sent = (0..<20).map { "client \(client) message \($0)" }
                    for text in sent { try await connection.send(text: text) }
                    var received: [WebSocketMessage] = []
                    for await message in connection.messages {
                        received.append(message)
                        // Keep iterating after the close: that is what reads the server's answer.
                        if received.count == sent.count { connection.close() }
                    }
                    let closure = await connection.closed()
                    return received == sent.map { .text($0) } && closure.code == .normalClosure
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        await server.stop()
        XCTAssertEqual(ordered.count, 100)
        XCTAssertTrue(ordered.allSatisfy { $0 }, "every client saw exactly its own messages, in order")
    }

    func testSeesTheServersCloseCode() async throws {
        let server = try await EchoServer.start()
        let client = try await WebSocketClient.connect(host: "127.0.0.1", port: server.port, path: "/ws")
        try await client.send(text: "close:1013:slow")
        for await _ in client.messages {}
        let closure = await client.closed()
        await server.stop()
        XCTAssertEqual(closure, WebSocketClosure(code: .tryAgainLater, reason: "slow", initiatedByPeer: true))
    }

    func testReportsARefusedHandshakeWithTheServersStatus() async throws {
        let server = try await EchoServer.start(options: WebSocketHandshakeOptions(allowedOrigins: ["https://noc.example.com"]))
        do {
            _ = try await WebSocketClient.connect(host: "127.0.0.1", port: server.port, path: "/ws", headers: [("Origin", "https://evil.example.com")])
            XCTFail("the handshake must be refused")
        } catch {
            XCTAssertEqual(error.code, "refused")
            XCTAssertTrue(error.message.contains("403"), error.message)
        }
        await server.stop()
    }

    func testReportsAPortNobodyListensOn() async throws {
        let server = try await EchoServer.start()
        let port = server.port
        await server.stop()
        do {
            _ = try await WebSocketClient.connect(host: "127.0.0.1", port: port, path: "/ws")
            XCTFail("nothing listens there any more")
        } catch {
            XCTAssertEqual(error.code, "connect")
        }
    }

    func testTrySendReportsAServerThatStopsReading() async throws {
        var router = Router()
        router.get("/ws") { request in
            // Never reads: the server's bounded input pauses the socket and TCP pushes back on the client.
            WebSocketConnection.upgrade(request, configuration: WebSocketConfiguration(idleTimeout: .seconds(3), closeTimeout: .seconds(1))) { connection, _ in
                _ = await connection.closed()
            }
        }
        let server = try await LoopbackTestServer.start(router)
        let client = try await WebSocketClient.connect(host: "127.0.0.1", port: server.port, path: "/ws")
        let chunk = WebSocketMessage.binary([UInt8](repeating: 7, count: 64 * 1024))
        var sent = 0
        var result = client.trySend(chunk)
        while result == .sent, sent < 10_000 {
            sent += 1
            result = client.trySend(chunk)
        }
        guard case .peerIsSlow(let buffered) = result else { return XCTFail("expected the peer to be slow after \(sent) messages, got \(result)") }
        XCTAssertGreaterThan(buffered, 0)
        XCTAssertLessThan(sent, 10_000)
        client.close()
        await server.stop()
    }

    func testInteroperatesWithPythonsWebsocketsServer() async throws {
        try PythonClient.requireWebsockets()
        let server = try await PythonServer.start(#"""
        import sys, threading
        from websockets.sync.server import serve

        def echo(ws):
            for message in ws:
                if message == "close-me":
                    ws.close(4002, "asked")
                    return
                ws.send(message)

        with serve(echo, "127.0.0.1", 0, max_size=2**20) as server:
            print(server.socket.getsockname()[1], flush=True)
            threading.Thread(target=lambda: (sys.stdin.read(), server.shutdown()), daemon=True).start()
            server.serve_forever()
        """#)
        defer { server.stop() }
        let client = try await WebSocketClient.connect(host: "127.0.0.1", port: server.port, path: "/", configuration: WebSocketConfiguration(maximumMessageSize: 1 << 20))
        var iterator = client.messages.makeAsyncIterator()
        let texts = ["short", String(repeating: "medium ", count: 40), String(repeating: "large ✓ ", count: 20_000)]
        for text in texts {
            try await client.send(text: text)
            let echoed = await iterator.next()
            XCTAssertEqual(echoed, .text(text), "\(text.utf8.count) bytes")
        }
        try await client.send(.binary([0, 1, 2, 255]))
        let binary = await iterator.next()
        XCTAssertEqual(binary, .binary([0, 1, 2, 255]))
        try await client.send(text: "close-me")
        while await iterator.next() != nil {}
        let closure = await client.closed()
        XCTAssertEqual(closure, WebSocketClosure(code: WebSocketCloseCode(4002), reason: "asked", initiatedByPeer: true))
    }
}
