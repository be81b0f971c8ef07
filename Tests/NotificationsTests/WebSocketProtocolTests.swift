import FabricValue
import XCTest
@testable import Notifications

/// The notification protocol over WebSocket, spoken by Python's `websockets` (an independent implementation).
final class WebSocketProtocolTests: XCTestCase {
    /// Prints every message received as one JSON line; helpers shared by the scripts below.
    static let prelude = """
    import asyncio, json, sys, websockets
    port = int(sys.argv[1])
    url = f"ws://127.0.0.1:{port}/api/v1/ws"
    async def recv(ws):
        return json.loads(await asyncio.wait_for(ws.recv(), 20))

    """

    func testHandshakeAckSubscribeSnapshotsPingAndErrorsKeepTheConnectionOpen() async throws {
        let running = try await RunningServer.start()
        defer { Task { await running.stop() } }
        running.publish(3)
        let script = Self.prelude + """
        async def main():
            async with websockets.connect(url) as ws:
                out = [await recv(ws)]
                await ws.send(json.dumps({"type": "subscribe_fabric", "fabric_id": "*"}))
                out += [await recv(ws), await recv(ws)]
                await ws.send("{not json")
                out.append(await recv(ws))
                await ws.send(json.dumps({"type": "dance"}))
                out.append(await recv(ws))
                await ws.send(json.dumps({"type": "ping", "client_time": 1234}))
                out.append(await recv(ws))
                print(json.dumps(out))
        asyncio.run(main())
        """
        let output = try await ExternalProcess.python(script, ["\(running.port)"])
        XCTAssertEqual(output.status, 0, output.stderr)
        let messages = try XCTUnwrap(output.stdout.json?.arrayValue, output.stdout)
        XCTAssertEqual(messages.map { $0["type"]?.stringValue ?? "" }, ["connection_ack", "fabric_status", "fabric_status", "error", "error", "pong"])
        let ack = messages[0]
        XCTAssertEqual(ack["data"]?["stream_id"]?.stringValue, running.hub.streamID)
        XCTAssertEqual(ack["data"]?["last_seq"], 3)
        XCTAssertEqual(ack["data"]?["heartbeat_s"], 30)
        XCTAssertEqual(ack["seq"], 3)
        XCTAssertNotNil(ack["timestamp"]?.stringValue)
        XCTAssertEqual(messages[1]["fabric_id"], "hedgehog/dc1")
        XCTAssertEqual(messages[1]["data"]?["sync_status"], "in_sync")
        XCTAssertEqual(messages[1]["data"]?["ready"], true)
        XCTAssertEqual(messages[1]["data"]?["status"]?["observedGeneration"], 2)
        XCTAssertEqual(messages[3]["data"]?["code"], "invalid_json")
        XCTAssertEqual(messages[4]["data"]?["code"], "unknown_type")
        XCTAssertEqual(messages[5]["data"]?["client_time"], 1234)
    }

    func testANewConnectionSeesOnlyStatsUntilItSubscribesThenOnlyItsFabric() async throws {
        let running = try await RunningServer.start { $0.statsInterval = .milliseconds(300) }
        defer { Task { await running.stop() } }
        let script = Self.prelude + """
        async def main():
            async with websockets.connect(url) as ws:
                await recv(ws)
                first = await recv(ws)
                await ws.send(json.dumps({"type": "subscribe_fabric", "fabric_id": "hedgehog/lab"}))
                snapshot = await recv(ws)
                print("subscribed", flush=True)
                seen = []
                while len(seen) < 2:
                    m = await recv(ws)
                    if m["type"] != "stats_update":
                        seen.append(m)
                print(json.dumps([first, snapshot] + seen))
        asyncio.run(main())
        """
        let python = try ExternalProcess.startPython(script, ["\(running.port)"])
        // Events for a fabric nobody subscribed to, then the subscribed one's, until the client has two.
        let publisher = Task {
            while !Task.isCancelled {
                running.hub.publish(MessageType.syncStarted, fabricID: "hedgehog/dc1", data: ["trigger": "interval"])
                running.hub.publish(MessageType.syncStarted, fabricID: "hedgehog/lab", data: ["trigger": "interval"])
                try? await Task.sleep(for: .milliseconds(100))  // cancellation ends the loop above
            }
        }
        let output = try await python.finish(timeout: 30)
        publisher.cancel()
        let messages = try XCTUnwrap(output.stdout.split(separator: "\n").last.flatMap { String($0).json?.arrayValue }, output.stdout + output.stderr)
        XCTAssertEqual(messages[0]["type"], "stats_update")
        XCTAssertEqual(messages[0]["data"]?["clients"], 1)
        XCTAssertEqual(messages[1]["type"], "fabric_status")
        XCTAssertEqual(messages[1]["fabric_id"], "hedgehog/lab")
        XCTAssertEqual(messages[2]["fabric_id"], "hedgehog/lab")
        XCTAssertEqual(messages[3]["fabric_id"], "hedgehog/lab")
    }

    /// The first client reads up to seq 20 and drops; events go on; the second resumes from 20 while
    /// events keep coming. Answers every seq the second client received, in arrival order.
    func resumeAfterDrop(oneStep: Bool) async throws -> (seqs: [Int64], result: Value?) {
        let running = try await RunningServer.start()
        defer { Task { await running.stop() } }
        running.publish(30)
        let first = Self.prelude + """
        async def main():
            async with websockets.connect(url) as ws:
                ack = await recv(ws)
                await ws.send(json.dumps({"type": "subscribe_fabric", "fabric_id": "*"}))
                await ws.send(json.dumps({"type": "resume", "since": 0, "stream_id": ack["data"]["stream_id"]}))
                seqs = []
                while not seqs or seqs[-1] < 20:
                    m = await recv(ws)
                    if m["type"] == "sync_progress":
                        seqs.append(m["seq"])
            print(json.dumps({"stream": ack["data"]["stream_id"], "seqs": seqs}))
        asyncio.run(main())
        """
        let dropped = try await ExternalProcess.python(first, ["\(running.port)"])
        let firstRun = try XCTUnwrap(dropped.stdout.json, dropped.stderr)
        XCTAssertEqual(firstRun["seqs"]?.arrayValue?.compactMap(\.intValue), Array(1...20))
        running.publish(30)
        let second = Self.prelude + """
        one_step = sys.argv[3] == "one-step"
        async def main():
            async with websockets.connect(url) as ws:
                await recv(ws)
                if one_step:
                    await ws.send(json.dumps({"type": "subscribe_fabric", "fabric_id": "*", "since": 20, "stream_id": sys.argv[2]}))
                else:
                    await ws.send(json.dumps({"type": "subscribe_fabric", "fabric_id": "*"}))
                    await ws.send(json.dumps({"type": "resume", "since": 20, "stream_id": sys.argv[2]}))
                seqs, result, live = [], None, 0
                while result is None or live < 20:
                    m = await recv(ws)
                    if m["type"] == "resume_result":
                        result = m["data"]
                    elif m["type"] == "sync_progress":
                        seqs.append(m["seq"])
                        live += result is not None
                print(json.dumps({"result": result, "seqs": seqs}))
        asyncio.run(main())
        """
        let python = try ExternalProcess.startPython(second, ["\(running.port)", firstRun["stream"]?.stringValue ?? "", oneStep ? "one-step" : "two-steps"])
        let publisher = Task {
            while !Task.isCancelled {
                running.publish(1)
                try? await Task.sleep(for: .milliseconds(5))  // cancellation ends the loop above
            }
        }
        let output = try await python.finish(timeout: 30)
        publisher.cancel()
        let secondRun = try XCTUnwrap(output.stdout.json, output.stdout + output.stderr)
        return (secondRun["seqs"]?.arrayValue?.compactMap(\.intValue) ?? [], secondRun["result"])
    }

    func testSubscribeWithSinceReplaysTheGapThenLiveEventsStrictlyInOrder() async throws {
        let (seqs, result) = try await resumeAfterDrop(oneStep: true)
        XCTAssertGreaterThanOrEqual(seqs.count, 60)
        XCTAssertEqual(seqs, Array(21..<(21 + Int64(seqs.count))), "a gap, a duplicate or a reordering where replay meets live events")
        XCTAssertEqual(result?["lost"], false)
        XCTAssertGreaterThanOrEqual(result?["replayed"]?.intValue ?? 0, 40)
    }

    func testResumeAfterSubscribeLeavesNoGapAndNoDuplicate() async throws {
        let (seqs, result) = try await resumeAfterDrop(oneStep: false)
        // Events published between the two commands arrive live before the replay; none is lost or doubled.
        XCTAssertEqual(Set(seqs).count, seqs.count, "a duplicate")
        XCTAssertEqual(seqs.sorted(), Array(21..<(21 + Int64(seqs.count))), "a gap")
        XCTAssertEqual(result?["lost"], false)
    }

    func testResumeFromAnotherStreamOrBeyondTheBufferSaysLost() async throws {
        let running = try await RunningServer.start()
        defer { Task { await running.stop() } }
        running.publish(3)
        let script = Self.prelude + """
        async def main():
            async with websockets.connect(url) as ws:
                await recv(ws)
                await ws.send(json.dumps({"type": "subscribe_fabric", "fabric_id": "*"}))
                await ws.send(json.dumps({"type": "resume", "since": 2, "stream_id": "an-older-process"}))
                while True:
                    m = await recv(ws)
                    if m["type"] == "resume_result":
                        print(json.dumps(m["data"]))
                        return
        asyncio.run(main())
        """
        let output = try await ExternalProcess.python(script, ["\(running.port)"])
        let result = try XCTUnwrap(output.stdout.json, output.stderr)
        XCTAssertEqual(result["lost"], true)
        XCTAssertEqual(result["replayed"], 3)
        XCTAssertEqual(result["first_available_seq"], 1)
    }
}
