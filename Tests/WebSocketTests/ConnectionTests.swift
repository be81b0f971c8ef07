import XCTest
@testable import WebSocket

/// `WebSocketConnection` over an in-memory transport: reading, replies, timers, backpressure.
final class ConnectionTests: XCTestCase {
    func testDeliversMessagesInOrderAndAnswersPings() async {
        let transport = MemoryTransport()
        let connection = WebSocketConnection(transport: transport)
        transport.feed(ClientFrames.text("one") + ClientFrames.frame(.ping, [4, 2]))
        transport.feed(ClientFrames.text("tw", fin: false))
        transport.feed(ClientFrames.frame(.continuation, Array("o".utf8)))
        transport.feed(ClientFrames.close(1000))
        var received: [WebSocketMessage] = []
        for await message in connection.messages { received.append(message) }
        XCTAssertEqual(received, [.text("one"), .text("two")])
        XCTAssertEqual(transport.writtenFrames(), [WebSocketFrame(opcode: .pong, payload: [4, 2]), WebSocketFrame(opcode: .close, payload: [0x03, 0xE8])])
        XCTAssertTrue(transport.isClosed)
        let closure = await connection.closed()
        XCTAssertEqual(closure, WebSocketClosure(code: .normalClosure, reason: "", initiatedByPeer: true))
    }

    func testServerCloseWaitsForThePeersCloseFrame() async {
        let transport = MemoryTransport()
        let connection = WebSocketConnection(transport: transport, configuration: WebSocketConfiguration(closeTimeout: .seconds(60)))
        connection.close(code: .goingAway, reason: "shutdown")
        XCTAssertFalse(transport.isClosed, "still waiting for the peer's close")
        XCTAssertEqual(connection.trySend(text: "late"), .closed)
        transport.feed(ClientFrames.text("in flight") + ClientFrames.close(1001))
        var received: [WebSocketMessage] = []
        for await message in connection.messages { received.append(message) }
        XCTAssertEqual(received, [], "data after our close is dropped")
        XCTAssertTrue(transport.isClosed)
        XCTAssertEqual(transport.writtenFrames().map(\.opcode), [.close])
        let closure = await connection.closed()
        XCTAssertEqual(closure.code, .goingAway)
        XCTAssertFalse(closure.initiatedByPeer)
    }

    func testServerCloseDropsASilentPeerAtTheDeadline() async {
        let transport = MemoryTransport()
        let connection = WebSocketConnection(transport: transport, configuration: WebSocketConfiguration(closeTimeout: .milliseconds(50)))
        connection.close(code: .tryAgainLater, reason: "slow")
        let closure = await connection.closed()
        XCTAssertEqual(closure.code, .tryAgainLater)
        XCTAssertTrue(transport.isClosed)
    }

    func testPingsOnScheduleAndClosesAnIdlePeer() async {
        let transport = MemoryTransport()
        let configuration = WebSocketConfiguration(pingInterval: .milliseconds(20), idleTimeout: .milliseconds(200), closeTimeout: .milliseconds(50))
        let connection = WebSocketConnection(transport: transport, configuration: configuration)
        let closure = await connection.closed()
        XCTAssertEqual(closure.code, .goingAway)
        let opcodes = transport.writtenFrames().map(\.opcode)
        XCTAssertGreaterThanOrEqual(opcodes.filter { $0 == .ping }.count, 2)
        XCTAssertEqual(opcodes.last, .close)
    }

    func testFailsTheConnectionOnAProtocolViolation() async {
        let transport = MemoryTransport()
        let connection = WebSocketConnection(transport: transport)
        transport.feed(WebSocketFrameEncoder.text("unmasked"))
        for await _ in connection.messages { XCTFail("nothing to deliver") }
        let closure = await connection.closed()
        XCTAssertEqual(closure.code, .protocolError)
        XCTAssertEqual(transport.writtenFrames().first.map { try? WebSocketMessageAssembler.parseClose($0.payload) }, .close(code: .protocolError, reason: "client frame not masked"))
    }

    func testTrySendReportsASlowPeerAndSendWaitsInstead() async throws {
        let transport = MemoryTransport(queueLimit: 10)
        let connection = WebSocketConnection(transport: transport)
        XCTAssertEqual(connection.trySend(text: "0123456789"), .sent)
        XCTAssertEqual(connection.trySend(text: "more"), .peerIsSlow(bufferedBytes: 12))
        async let waited: Void = connection.send(text: "waited")
        try await Task.sleep(for: .milliseconds(50))
        XCTAssertEqual(transport.writtenFrames().count, 1, "send waits while the queue is full")
        transport.drain()
        try await waited
        XCTAssertEqual(transport.writtenFrames().compactMap { String(decoding: $0.payload, as: UTF8.self) }, ["0123456789", "waited"])
    }

    func testADroppedPeerEndsTheMessagesAsAnAbnormalClosure() async {
        let transport = MemoryTransport()
        let connection = WebSocketConnection(transport: transport)
        transport.feed(ClientFrames.text("last words"))
        transport.finishInput()
        var received: [WebSocketMessage] = []
        for await message in connection.messages { received.append(message) }
        XCTAssertEqual(received, [.text("last words")])
        let closure = await connection.closed()
        XCTAssertEqual(closure.code, .abnormalClosure)
        do {
            try await connection.send(text: "anyone?")
            XCTFail("send after the end must throw")
        } catch {
            XCTAssertEqual(error, WebSocketClosedError())
        }
    }

    func testACloseFrameWaitingForRoomGoesOutBeforeTheSocketCloses() async {
        let transport = MemoryTransport(queueLimit: 10)
        // A generous timeout: the grace after the deadline must outlast a busy machine's scheduling.
        let connection = WebSocketConnection(transport: transport, configuration: WebSocketConfiguration(closeTimeout: .seconds(1)))
        XCTAssertEqual(connection.trySend(text: "0123456789"), .sent)
        connection.close(code: .tryAgainLater, reason: "slow")
        _ = await connection.closed() // the close deadline passed
        XCTAssertFalse(transport.isClosed, "the close frame still waits for room")
        transport.drain()
        await eventually("the transport closes once the close frame is queued") { transport.isClosed }
        XCTAssertEqual(transport.writtenFrames().map(\.opcode), [.text, .close])
    }

    func testAPeerThatNeverMakesRoomIsClosedOneCloseTimeoutLater() async {
        let transport = MemoryTransport(queueLimit: 10)
        let connection = WebSocketConnection(transport: transport, configuration: WebSocketConfiguration(closeTimeout: .milliseconds(100)))
        XCTAssertEqual(connection.trySend(text: "0123456789"), .sent)
        connection.close(code: .tryAgainLater, reason: "slow")
        _ = await connection.closed()
        await eventually("closed without the close frame") { transport.isClosed }
        XCTAssertEqual(transport.writtenFrames().map(\.opcode), [.text])
    }
}
