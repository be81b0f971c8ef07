import XCTest
import Foundation
import FabricValue
@testable import KubeEmulator

/// Watch streams over HTTP, read by curl: newline-delimited JSON, bookmarks, 410 as an ERROR event, dropped streams.
final class WatchOverHTTPTests: XCTestCase {
    func lines(_ text: String) -> [Value] {
        text.split(separator: "\n").compactMap { try? JSONReader.parse(String($0)) }
    }

    func testWatchStreamsEventsAsNewlineDelimitedJSONUntilTimeout() async throws {
        let harness = try await EmulatorHarness()
        let store = harness.emulator.store
        _ = try store.create(store.type("configmaps"), namespace: "default", body: configMap("a"), options: writer)
        let url = harness.url.absoluteString + "/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=3"
        let curl = Task { try await harness.run("/usr/bin/curl", ["-sN", url]) }
        let deadline = Date().addingTimeInterval(20)
        while store.openWatchCount == 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        _ = try store.create(store.type("configmaps"), namespace: "default", body: configMap("b"), options: writer)
        let events = lines(try await curl.value.stdout)
        XCTAssertEqual(events.map { $0["type"]?.stringValue ?? "" }, ["ADDED", "ADDED"])
        XCTAssertEqual(events.last?.value(at: "object", "metadata", "name"), "b")
        await harness.stop()
    }

    func testIdleWatchGetsBookmarksCarryingTheCurrentVersion() async throws {
        let harness = try await EmulatorHarness(configuration: .init(bookmarkInterval: .milliseconds(300)))
        let version = harness.emulator.store.currentResourceVersion
        let url = harness.url.absoluteString + "/api/v1/configmaps?watch=true&allowWatchBookmarks=true&timeoutSeconds=2&resourceVersion=\(version)"
        let events = lines(try await harness.run("/usr/bin/curl", ["-sN", url]).stdout)
        XCTAssertGreaterThanOrEqual(events.count, 2)
        for event in events {
            XCTAssertEqual(event["type"], "BOOKMARK")
            XCTAssertEqual(event["object"], ["kind": "ConfigMap", "apiVersion": "v1", "metadata": ["resourceVersion": .string(String(version))]])
        }
        await harness.stop()
    }

    func testExpiredVersionIsAnErrorEventWithStatus410() async throws {
        let harness = try await EmulatorHarness(configuration: .init(store: .init(historyLimit: 2)))
        let store = harness.emulator.store
        for index in 0..<5 { _ = try store.create(store.type("configmaps"), namespace: "default", body: configMap("c\(index)"), options: writer) }
        let url = harness.url.absoluteString + "/api/v1/configmaps?watch=1&resourceVersion=1"
        let events = lines(try await harness.run("/usr/bin/curl", ["-sN", url]).stdout)
        XCTAssertEqual(events.count, 1)
        XCTAssertEqual(events.first?["type"], "ERROR")
        XCTAssertEqual(events.first?.value(at: "object", "code"), 410)
        XCTAssertEqual(events.first?.value(at: "object", "reason"), "Expired")
        await harness.stop()
    }

    func testForcedExpiryReachesTheClientAsAnErrorEvent() async throws {
        let harness = try await EmulatorHarness()
        harness.emulator.expireNextWatches()
        let url = harness.url.absoluteString + "/api/v1/configmaps?watch=1&resourceVersion=\(harness.emulator.store.currentResourceVersion)"
        let events = lines(try await harness.run("/usr/bin/curl", ["-sN", url]).stdout)
        XCTAssertEqual(events.first?["type"], "ERROR")
        XCTAssertEqual(events.first?.value(at: "object", "code"), 410)
        let next = lines(try await harness.run("/usr/bin/curl", ["-sN", url + "&timeoutSeconds=1"]).stdout)
        XCTAssertEqual(next, [], "only the next watch was expired")
        await harness.stop()
    }

    func testDroppedWatchEndsTheStreamCleanly() async throws {
        let harness = try await EmulatorHarness()
        let url = harness.url.absoluteString + "/api/v1/configmaps?watch=1&resourceVersion=\(harness.emulator.store.currentResourceVersion)"
        let curl = Task { try await harness.run("/usr/bin/curl", ["-sN", "-w", "%{http_code}", url]) }
        let deadline = Date().addingTimeInterval(20)
        while harness.emulator.store.openWatchCount == 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        harness.emulator.store.dropAllWatches()
        let result = try await curl.value
        XCTAssertEqual(result.status, 0, "the chunked body ended properly: \(result.stderr)")
        XCTAssertEqual(result.stdout, "200")
        XCTAssertEqual(harness.emulator.requests.count(.watch), 1)
        await harness.stop()
    }

    func testClientLeavingClosesTheWatch() async throws {
        let harness = try await EmulatorHarness()
        let url = harness.url.absoluteString + "/api/v1/configmaps?watch=1"
        _ = try await harness.run("/usr/bin/curl", ["-sN", "--max-time", "1", url])
        let deadline = Date().addingTimeInterval(20)
        while harness.emulator.store.openWatchCount > 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        XCTAssertEqual(harness.emulator.store.openWatchCount, 0)
        await harness.stop()
    }
}
