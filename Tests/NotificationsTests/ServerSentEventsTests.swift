import FabricValue
import XCTest
@testable import Notifications

/// `GET /api/v1/events` read by curl: framing, Last-Event-ID resume, the fabric filter, heartbeats.
final class ServerSentEventsTests: XCTestCase {
    /// The `id:` and `event:` of each event in an SSE body, and the envelope each `data:` line holds.
    func events(in body: String) -> [(id: UInt64, type: String, envelope: Value?)] {
        body.components(separatedBy: "\n\n").compactMap { block in
            var id: UInt64?, type: String?, data: Value?
            for line in block.split(separator: "\n") {
                if line.hasPrefix("id: ") { id = UInt64(line.dropFirst(4)) }
                if line.hasPrefix("event: ") { type = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data = String(line.dropFirst(6)).json }
            }
            guard let id, let type else { return nil }
            return (id, type, data)
        }
    }

    func testLastEventIDReplaysWhatFollowsAndLiveEventsContinueInOrder() async throws {
        let running = try await RunningServer.start()
        defer { Task { await running.stop() } }
        running.publish(10)
        let curl = try ExternalProcess.start("/usr/bin/curl", ["-sN", "--max-time", "3", "-H", "Last-Event-ID: 4", "\(running.base)/api/v1/events"])
        try await Task.sleep(for: .milliseconds(800))
        running.publish(5)
        let output = try await curl.finish(timeout: 30)
        let received = events(in: output.stdout)
        XCTAssertEqual(received.map(\.id), Array(5...15), output.stdout)
        XCTAssertEqual(received.first?.type, "sync_progress")
        XCTAssertEqual(received.first?.envelope?["seq"], 5)
        XCTAssertEqual(received.first?.envelope?["fabric_id"], "hedgehog/dc1")
        XCTAssertTrue(output.stdout.hasPrefix("retry: "))
    }

    func testTheFabricParameterNarrowsTheStream() async throws {
        let running = try await RunningServer.start()
        defer { Task { await running.stop() } }
        running.hub.publish(MessageType.syncStarted, fabricID: "hedgehog/dc1", data: ["trigger": "manual"])
        running.hub.publish(MessageType.syncStarted, fabricID: "hedgehog/lab", data: ["trigger": "manual"])
        running.hub.publish(MessageType.syncCompleted, fabricID: "hedgehog/lab", data: ["success": true])
        let output = try await ExternalProcess.run("/usr/bin/curl", ["-sN", "--max-time", "1", "-H", "Last-Event-ID: 0", "\(running.base)/api/v1/events?fabric=hedgehog/lab"])
        let received = events(in: output.stdout)
        XCTAssertEqual(received.map(\.id), [2, 3])
        XCTAssertEqual(received.map(\.type), ["sync_started", "sync_completed"])
    }

    func testAHeartbeatCommentKeepsAnIdleStreamAlive() async throws {
        let running = try await RunningServer.start { $0.sseHeartbeat = .milliseconds(200) }
        defer { Task { await running.stop() } }
        let output = try await ExternalProcess.run("/usr/bin/curl", ["-sN", "--max-time", "1.5", "\(running.base)/api/v1/events"])
        XCTAssertTrue(output.stdout.contains(": heartbeat\n\n"), output.stdout)
    }

    func testTheHeadersOfAnEventStream() async throws {
        let running = try await RunningServer.start()
        defer { Task { await running.stop() } }
        let output = try await ExternalProcess.run("/usr/bin/curl", ["-sN", "-i", "--max-time", "1", "\(running.base)/api/v1/events"])
        XCTAssertTrue(output.stdout.contains("Content-Type: text/event-stream"), output.stdout)
        XCTAssertTrue(output.stdout.contains("Cache-Control: no-cache"), output.stdout)
    }
}
