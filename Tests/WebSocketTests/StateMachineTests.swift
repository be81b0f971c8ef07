import XCTest
@testable import WebSocket

final class StateMachineTests: XCTestCase {
    private let start = ContinuousClock.now
    private let configuration = WebSocketConfiguration(maximumMessageSize: 100, pingInterval: .seconds(30), idleTimeout: .seconds(90), closeTimeout: .seconds(5))

    private func machine() -> WebSocketStateMachine {
        WebSocketStateMachine(configuration: configuration, now: start)
    }

    private func at(_ seconds: Int) -> ContinuousClock.Instant { start + .seconds(seconds) }

    func testDeliversMessagesInOrder() {
        var connection = machine()
        let actions = connection.receive(ClientFrames.text("one") + ClientFrames.text("tw", fin: false) + ClientFrames.frame(.continuation, Array("o".utf8)), now: at(1))
        XCTAssertEqual(actions, [.deliver(.text("one")), .deliver(.text("two"))])
        XCTAssertEqual(connection.state, .open)
    }

    func testAnswersAPingWithAPongCarryingItsPayload() {
        var connection = machine()
        XCTAssertEqual(connection.receive(ClientFrames.frame(.ping, [1, 2, 3]), now: at(1)), [.write(WebSocketFrameEncoder.pong([1, 2, 3]))])
        XCTAssertEqual(connection.receive(ClientFrames.frame(.pong, [9]), now: at(2)), [], "an unsolicited pong needs no answer")
    }

    func testEchoesThePeersCloseCodeAndClosesTheSocket() {
        let cases: [([UInt8], [UInt8], WebSocketCloseCode)] = [
            (ClientFrames.close(1000, "bye"), WebSocketFrameEncoder.close(code: .normalClosure), .normalClosure),
            (ClientFrames.close(4001), WebSocketFrameEncoder.close(code: WebSocketCloseCode(4001)), WebSocketCloseCode(4001)),
            (ClientFrames.frame(.close), WebSocketFrameEncoder.close(code: nil), .noStatusReceived),
        ]
        for (incoming, echo, code) in cases {
            var connection = machine()
            XCTAssertEqual(connection.receive(incoming, now: at(1)), [.write(echo), .closeSocket])
            XCTAssertEqual(connection.state, .closed)
            XCTAssertEqual(connection.closure?.code, code)
            XCTAssertEqual(connection.closure?.initiatedByPeer, true)
            XCTAssertEqual(connection.receive(ClientFrames.text("late"), now: at(2)), [], "nothing after the close")
        }
    }

    func testFailsTheConnectionWithTheViolationsCode() {
        let cases: [(String, [UInt8], WebSocketCloseCode)] = [
            ("unmasked frame", WebSocketFrameEncoder.text("hi"), .protocolError),
            ("continuation with none open", ClientFrames.frame(.continuation, [1]), .protocolError),
            ("invalid UTF-8", ClientFrames.frame(.text, [0xFF]), .invalidPayloadData),
            ("too big", ClientFrames.text(String(repeating: "x", count: 101)), .messageTooBig),
            ("2^63-byte header", ClientFrames.header(0x82, lengthField: [127, 0x80, 0, 0, 0, 0, 0, 0, 0]), .messageTooBig),
            ("bad close code", ClientFrames.close(1005), .protocolError),
        ]
        for (name, bytes, code) in cases {
            var connection = machine()
            let actions = connection.receive(ClientFrames.text("before") + bytes + ClientFrames.text("after"), now: at(1))
            XCTAssertEqual(actions.count, 2, name)
            XCTAssertEqual(actions.first, .deliver(.text("before")), name)
            guard case .write(let closeBytes) = actions.last else { return XCTFail(name) }
            let (frames, _) = decodeFrames([closeBytes[...]], role: .client)
            XCTAssertEqual(try WebSocketMessageAssembler.parseClose(frames.first?.payload ?? []), .close(code: code, reason: connection.closure?.reason ?? ""), name)
            XCTAssertEqual(connection.closure?.code, code, name)
            XCTAssertEqual(connection.state, .closing(deadline: at(1) + WebSocketStateMachine.failureLinger), name)
        }
    }

    func testAFailedConnectionDrainsInputUntilThePeerClosesOrTheLingerEnds() {
        var lingering = machine()
        _ = lingering.receive(WebSocketFrameEncoder.text("unmasked"), now: at(1))
        XCTAssertEqual(lingering.receive(ClientFrames.close(1000) + ClientFrames.frame(.ping), now: at(1)), [], "unparseable now: read and dropped")
        XCTAssertEqual(lingering.tick(now: at(1) + .milliseconds(999)), [])
        XCTAssertEqual(lingering.tick(now: at(2)), [.closeSocket])
        XCTAssertEqual(lingering.closure?.code, .protocolError)

        var dropped = machine()
        _ = dropped.receive(WebSocketFrameEncoder.text("unmasked"), now: at(1))
        XCTAssertEqual(dropped.peerDisconnected(), [.closeSocket])
        XCTAssertEqual(dropped.closure?.code, .protocolError, "the failure, not the drop, explains the end")
    }

    func testServerCloseWaitsForThePeersCloseThenClosesTheSocket() {
        var connection = machine()
        XCTAssertEqual(connection.close(code: .tryAgainLater, reason: "slow", now: at(1)), [.write(WebSocketFrameEncoder.close(code: .tryAgainLater, reason: "slow"))])
        XCTAssertEqual(connection.state, .closing(deadline: at(6)))
        XCTAssertNil(connection.encode(.text("more")), "no data after our close")
        XCTAssertEqual(connection.close(code: .normalClosure, now: at(2)), [], "closing twice sends nothing")
        XCTAssertEqual(connection.receive(ClientFrames.text("in flight") + ClientFrames.frame(.ping), now: at(2)), [], "data and pings after our close are dropped")
        XCTAssertEqual(connection.receive(ClientFrames.close(1013), now: at(3)), [.closeSocket])
        XCTAssertEqual(connection.closure, WebSocketClosure(code: .tryAgainLater, reason: "slow", initiatedByPeer: false))
    }

    func testServerCloseGivesUpWaitingAfterTheTimeout() {
        var connection = machine()
        _ = connection.close(code: .goingAway, reason: "shutdown", now: at(10))
        XCTAssertEqual(connection.nextDeadline, at(15))
        XCTAssertEqual(connection.tick(now: at(14)), [])
        XCTAssertEqual(connection.tick(now: at(15)), [.closeSocket])
        XCTAssertEqual(connection.state, .closed)
        XCTAssertNil(connection.nextDeadline)
    }

    func testPingsOnScheduleAndClosesAPeerSilentPastTheIdleTimeout() {
        var connection = machine()
        XCTAssertEqual(connection.nextDeadline, at(30))
        XCTAssertEqual(connection.tick(now: at(29)), [])
        XCTAssertEqual(connection.tick(now: at(30)), [.write(WebSocketFrameEncoder.ping())])
        XCTAssertEqual(connection.tick(now: at(60)), [.write(WebSocketFrameEncoder.ping())])
        XCTAssertEqual(connection.nextDeadline, at(90))
        let actions = connection.tick(now: at(90))
        XCTAssertEqual(actions, [.write(WebSocketFrameEncoder.close(code: .goingAway, reason: "idle timeout"))])
    }

    func testAnyFrameFromThePeerResetsTheIdleClock() {
        var connection = machine()
        _ = connection.tick(now: at(30))
        _ = connection.receive(ClientFrames.frame(.pong), now: at(31))
        _ = connection.tick(now: at(60))
        XCTAssertEqual(connection.tick(now: at(90)), [.write(WebSocketFrameEncoder.ping())], "heard at 31 s, so not idle at 90 s")
        XCTAssertEqual(connection.nextDeadline, at(120))
        XCTAssertEqual(connection.tick(now: at(121)).count, 1)
        XCTAssertEqual(connection.closure?.code, .goingAway)
    }

    func testADroppedConnectionIsAnAbnormalClosure() {
        var connection = machine()
        XCTAssertEqual(connection.peerDisconnected(), [.closeSocket])
        XCTAssertEqual(connection.closure?.code, .abnormalClosure)
        XCTAssertEqual(connection.peerDisconnected(), [])
    }

    func testAClientMachineMasksWhatItSends() {
        var client = WebSocketStateMachine(configuration: configuration, role: .client, now: start)
        guard let bytes = client.encode(.text("hello")) else { return XCTFail("client is open") }
        let (frames, error) = decodeFrames([bytes[...]], role: .server)
        XCTAssertNil(error)
        XCTAssertEqual(frames, [WebSocketFrame(opcode: .text, payload: Array("hello".utf8))])
    }
}
