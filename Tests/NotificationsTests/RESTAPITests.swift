import FabricValue
import XCTest
@testable import Notifications

/// The REST API's shapes, read with curl.
final class RESTAPITests: XCTestCase {
    func testListsFabricsWithTheDesignedFields() async throws {
        let running = try await RunningServer.start()
        defer { Task { await running.stop() } }
        let (status, body) = try await ExternalProcess.curl(["\(running.base)/api/v1/fabrics"])
        XCTAssertEqual(status, 200)
        let items = try XCTUnwrap(body.json?["items"]?.arrayValue)
        XCTAssertEqual(items.count, 2)
        XCTAssertEqual(Set(items[0].objectValue?.keys ?? []), ["fabric_id", "namespace", "name", "sync_status", "ready", "last_sync_time", "revision", "status"])
        XCTAssertEqual(items[0]["fabric_id"], "hedgehog/dc1")
        XCTAssertEqual(items[0]["sync_status"], "in_sync")
        XCTAssertEqual(items[0]["ready"], true)
        XCTAssertEqual(items[0]["status"]?["observedGeneration"], 2)
        XCTAssertEqual(items[1]["last_sync_time"], .null)
    }

    func testOneFabricAndNotFoundAsAnErrorObject() async throws {
        let running = try await RunningServer.start()
        defer { Task { await running.stop() } }
        let (status, body) = try await ExternalProcess.curl(["\(running.base)/api/v1/fabrics/hedgehog/lab"])
        XCTAssertEqual(status, 200)
        XCTAssertEqual(body.json?["sync_status"], "error")
        let (missing, error) = try await ExternalProcess.curl(["\(running.base)/api/v1/fabrics/hedgehog/nope"])
        XCTAssertEqual(missing, 404)
        XCTAssertEqual(error.json?["error"]?["code"], "not_found")
        XCTAssertNotNil(error.json?["error"]?["message"]?.stringValue)
    }

    func testSyncIsAcceptedWith202AndReachesTheController() async throws {
        let running = try await RunningServer.start()
        defer { Task { await running.stop() } }
        let (status, body) = try await ExternalProcess.curl(["-X", "POST", "\(running.base)/api/v1/fabrics/hedgehog/dc1/sync"])
        XCTAssertEqual(status, 202)
        XCTAssertEqual(body.json?["accepted"], true)
        XCTAssertEqual(running.directory.syncRequests.withLock { $0 }, ["hedgehog/dc1"])
        let (unknown, _) = try await ExternalProcess.curl(["-X", "POST", "\(running.base)/api/v1/fabrics/hedgehog/nope/sync"])
        XCTAssertEqual(unknown, 404)
    }

    func testSourceRefreshIsAccepted() async throws {
        let running = try await RunningServer.start()
        defer { Task { await running.stop() } }
        let (status, _) = try await ExternalProcess.curl(["-X", "POST", "\(running.base)/api/v1/sources/refresh"])
        XCTAssertEqual(status, 202)
        for _ in 0..<100 where running.directory.refreshes.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(20)) }
        XCTAssertEqual(running.directory.refreshes.withLock { $0 }, 1)
    }

    func testReadyzFollowsTheDirectoryAndHealthzIsAlwaysOK() async throws {
        let running = try await RunningServer.start()
        defer { Task { await running.stop() } }
        running.directory.ready.withLock { $0 = false }
        let notReady = try await ExternalProcess.curl(["\(running.base)/readyz"]).status
        XCTAssertEqual(notReady, 503)
        let healthy = try await ExternalProcess.curl(["\(running.base)/healthz"]).status
        XCTAssertEqual(healthy, 200)
        running.directory.ready.withLock { $0 = true }
        let ready = try await ExternalProcess.curl(["\(running.base)/readyz"]).status
        XCTAssertEqual(ready, 200)
    }

    func testMetricsInPrometheusTextFormat() async throws {
        let running = try await RunningServer.start()
        defer { Task { await running.stop() } }
        running.hub.publish(MessageType.syncCompleted, fabricID: "hedgehog/dc1", data: [
            "success": true, "duration_ms": 420, "revision": "r", "message": "",
            "counts": ["created": 3, "updated": 1, "unchanged": 0, "adopted": 0, "pruned": 2, "failed": 0],
        ])
        running.hub.publish(MessageType.driftDetected, fabricID: "hedgehog/dc1", data: ["objects": [], "policy": "correct"])
        running.hub.waitForDelivery()
        let (status, text) = try await ExternalProcess.curl(["\(running.base)/metrics"])
        XCTAssertEqual(status, 200)
        for line in [
            #"fabricsync_reconcile_total{fabric="hedgehog/dc1",outcome="success"} 1"#,
            #"fabricsync_reconcile_duration_seconds_bucket{fabric="hedgehog/dc1",le="0.5",outcome="success"} 1"#,
            #"fabricsync_reconcile_duration_seconds_bucket{fabric="hedgehog/dc1",le="0.25",outcome="success"} 0"#,
            #"fabricsync_objects_applied_total{fabric="hedgehog/dc1"} 4"#,
            #"fabricsync_objects_pruned_total{fabric="hedgehog/dc1"} 2"#,
            #"fabricsync_drift_events_total{fabric="hedgehog/dc1"} 1"#,
            "fabricsync_queue_depth 1",
            "fabricsync_websocket_clients 0",
            "# TYPE fabricsync_reconcile_duration_seconds histogram",
        ] {
            XCTAssertTrue(text.contains(line + "\n"), "missing \(line) in\n\(text)")
        }
    }

    func testStatusPageIsServedAsHTML() async throws {
        let running = try await RunningServer.start()
        defer { Task { await running.stop() } }
        let output = try await ExternalProcess.run("/usr/bin/curl", ["-s", "-i", "\(running.base)/"])
        XCTAssertTrue(output.stdout.contains("Content-Type: text/html"))
        XCTAssertTrue(output.stdout.contains("/api/v1/ws"))
    }
}
