import Foundation
import XCTest
@testable import Notifications

/// A stalled client is cut off with 1013 once its bounded queue fills, while a
/// reading client receives every event in order.
final class StalledClientTests: XCTestCase {
    func testAStalledClientIsClosedWith1013AndAReaderGetsEverything() async throws {
        let running = try await RunningServer.start { $0.clientQueueBytes = 64 * 1024; $0.maxClientsPerIP = 0 }
        defer { Task { await running.stop() } }
        let flag = FileManager.default.temporaryDirectory.appendingPathComponent("slow-client-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: flag) }  // cleanup only; the test does not depend on it

        // Stalled: a tiny receive buffer, subscribes, then reads nothing until the flag file appears.
        let stalled = WebSocketCloseCodeTests.rawClient + """
        import json, time
        s, rest = open_ws(rcvbuf=4096)
        send(s, 1, json.dumps({"type": "subscribe_fabric", "fabric_id": "*"}).encode())
        print("subscribed", flush=True)
        while not os.path.exists(sys.argv[2]):
            time.sleep(0.05)
        print(close_code(s, rest))
        """
        let reader = WebSocketProtocolTests.prelude + """
        async def main():
            async with websockets.connect(url, max_size=None, max_queue=None) as ws:
                await recv(ws)
                await ws.send(json.dumps({"type": "subscribe_fabric", "fabric_id": "*"}))
                seqs = []
                while len(seqs) < int(sys.argv[2]):
                    m = await recv(ws)
                    if m["type"] == "sync_progress":
                        seqs.append(m["seq"])
                print(json.dumps(seqs))
        asyncio.run(main())
        """
        let count = 400
        let stalledProcess = try ExternalProcess.startPython(stalled, ["\(running.port)", flag.path])
        let readerProcess = try ExternalProcess.startPython(reader, ["\(running.port)", "\(count)"])
        for _ in 0..<1000 where running.server.webSocketClientCount < 2 { try await Task.sleep(for: .milliseconds(20)) }
        try await Task.sleep(for: .milliseconds(500))  // both subscriptions processed
        // 400 events of 16 KiB: far more than the stalled client's queue and socket buffers hold.
        for _ in 0..<count {
            running.publish(1, payloadBytes: 16 * 1024)
            try await Task.sleep(for: .milliseconds(3))
        }
        running.hub.waitForDelivery()
        XCTAssertEqual(running.hub.droppedSlowClients, 1)
        XCTAssertTrue(FileManager.default.createFile(atPath: flag.path, contents: Data()))
        let stalledOutput = try await stalledProcess.finish(timeout: 60)
        XCTAssertEqual(stalledOutput.stdout.split(separator: "\n").last, "1013", stalledOutput.stderr)
        let readerOutput = try await readerProcess.finish(timeout: 60)
        let seqs = readerOutput.stdout.json?.arrayValue?.compactMap(\.intValue) ?? []
        XCTAssertEqual(seqs, Array(1...Int64(count)), readerOutput.stderr)
    }
}
