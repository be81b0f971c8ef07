import XCTest
import FabricValue
@testable import KubeEmulator

/// Watch semantics: initial state, resumption, selectors, bookmarks, 410 after compaction.
final class WatchTests: XCTestCase {
    func types(_ events: [WatchEvent]) -> [String] { events.map(\.type) }
    func names(_ events: [WatchEvent]) -> [String] { events.compactMap { $0.object.value(at: "metadata", "name")?.stringValue } }

    func testWatchWithoutVersionStartsWithTheCurrentState() throws {
        let store = EmulatorStore()
        let configmaps = store.type("configmaps")
        _ = try store.create(configmaps, namespace: "default", body: configMap("a"), options: writer)
        _ = try store.create(configmaps, namespace: "kube-system", body: configMap("b", namespace: "kube-system"), options: writer)
        let all = try store.watch(configmaps, namespace: nil)
        XCTAssertEqual(types(all.drain()), ["ADDED", "ADDED"])
        let zero = try store.watch(configmaps, namespace: "default", options: WatchOptions(resourceVersion: "0"))
        XCTAssertEqual(names(zero.drain()), ["a"])
    }

    func testWatchResumesAfterAResourceVersion() throws {
        let store = EmulatorStore()
        let configmaps = store.type("configmaps")
        let a = try store.create(configmaps, namespace: "default", body: configMap("a"), options: writer).object
        _ = try store.create(configmaps, namespace: "default", body: configMap("b"), options: writer)
        _ = try store.patch(configmaps, namespace: "default", name: "a", patch: ["data": ["x": "y"]], patchType: .merge, options: writer)
        _ = try store.delete(configmaps, namespace: "default", name: "b")
        let watcher = try store.watch(configmaps, namespace: "default", options: WatchOptions(resourceVersion: a.resourceVersion))
        let events = watcher.drain()
        XCTAssertEqual(types(events), ["ADDED", "MODIFIED", "DELETED"])
        XCTAssertEqual(names(events), ["b", "a", "b"])
        let versions = events.compactMap { Int64($0.object.resourceVersion) }
        XCTAssertEqual(versions, versions.sorted())
        XCTAssertEqual(versions.last, store.currentResourceVersion, "a DELETED event carries the deletion's version")
    }

    func testLiveEventsArriveInOrder() async throws {
        let store = EmulatorStore()
        let configmaps = store.type("configmaps")
        let watcher = try store.watch(configmaps, namespace: "default", options: WatchOptions(resourceVersion: String(store.currentResourceVersion)))
        Task.detached {
            for index in 0..<3 {
                _ = try store.create(configmaps, namespace: "default", body: configMap("c\(index)"), options: writer)
            }
        }
        var seen: [String] = []
        while seen.count < 3, let event = await watcher.next(timeout: .seconds(10)) {
            seen += names([event])
        }
        XCTAssertEqual(seen, ["c0", "c1", "c2"])
        watcher.close()
        XCTAssertEqual(store.openWatchCount, 0)
    }

    func testAnOldVersionAfterTrimmingIsGone() throws {
        let store = EmulatorStore(configuration: .init(historyLimit: 3))
        let configmaps = store.type("configmaps")
        let first = try store.create(configmaps, namespace: "default", body: configMap("first"), options: writer).object
        for index in 0..<5 {
            _ = try store.create(configmaps, namespace: "default", body: configMap("c\(index)"), options: writer)
        }
        assertAPIError(try store.watch(configmaps, namespace: nil, options: WatchOptions(resourceVersion: first.resourceVersion)), code: 410, reason: "Expired") { error in
            XCTAssertTrue(error.message.hasPrefix("too old resource version: \(first.resourceVersion) ("), error.message)
        }
        let recent = String(store.currentResourceVersion - 2)
        XCTAssertEqual(try store.watch(configmaps, namespace: nil, options: WatchOptions(resourceVersion: recent)).drain().count, 2)
    }

    func testForcedExpiryAndDroppedWatches() async throws {
        let store = EmulatorStore()
        let configmaps = store.type("configmaps")
        store.expireNextWatches()
        assertAPIError(try store.watch(configmaps, namespace: nil), code: 410, reason: "Expired")
        let watcher = try store.watch(configmaps, namespace: nil)
        store.dropAllWatches()
        let next = await watcher.next(timeout: .seconds(10))
        XCTAssertNil(next)
        XCTAssertTrue(watcher.isClosed)
    }

    func testLabelSelectorTurnsLabelChangesIntoAddedAndDeleted() throws {
        let store = EmulatorStore()
        let configmaps = store.type("configmaps")
        let selector = try LabelSelector(parsing: "fabric.githedgehog.com/name=dc1")
        let watcher = try store.watch(configmaps, namespace: "default", options: WatchOptions(labelSelector: selector, resourceVersion: String(store.currentResourceVersion)))
        _ = try store.create(configmaps, namespace: "default", body: configMap("other"), options: writer)
        _ = try store.patch(configmaps, namespace: "default", name: "other", patch: ["metadata": ["labels": ["fabric.githedgehog.com/name": "dc1"]]], patchType: .merge, options: writer)
        _ = try store.patch(configmaps, namespace: "default", name: "other", patch: ["data": ["z": "1"]], patchType: .merge, options: writer)
        _ = try store.patch(configmaps, namespace: "default", name: "other", patch: ["metadata": ["labels": ["fabric.githedgehog.com/name": "dc2"]]], patchType: .merge, options: writer)
        XCTAssertEqual(types(watcher.drain()), ["ADDED", "MODIFIED", "DELETED"])
    }

    func testFieldSelectorOnName() throws {
        let store = EmulatorStore()
        let configmaps = store.type("configmaps")
        _ = try store.create(configmaps, namespace: "default", body: configMap("a"), options: writer)
        _ = try store.create(configmaps, namespace: "default", body: configMap("b"), options: writer)
        let watcher = try store.watch(configmaps, namespace: nil, options: WatchOptions(fieldSelector: try FieldSelector(parsing: "metadata.name=b")))
        XCTAssertEqual(names(watcher.drain()), ["b"])
    }

    func testSendInitialEventsEndsTheInitialStateWithAnAnnotatedBookmark() throws {
        let store = EmulatorStore()
        let configmaps = store.type("configmaps")
        _ = try store.create(configmaps, namespace: "default", body: configMap("a"), options: writer)
        let watcher = try store.watch(configmaps, namespace: "default", options: WatchOptions(resourceVersion: "", sendInitialEvents: true))
        let events = watcher.drain()
        XCTAssertEqual(types(events), ["ADDED", "BOOKMARK"])
        XCTAssertEqual(events.last?.object.value(at: "metadata", "annotations"), ["k8s.io/initial-events-end": "true"])
        XCTAssertEqual(events.last?.object.resourceVersion, String(store.currentResourceVersion))
    }

    func testBookmarkCarriesOnlyKindApiVersionAndVersion() throws {
        let store = try storeWithFabrics()
        let bookmark = store.bookmark(for: store.type("fabrics"))
        XCTAssertEqual(bookmark.type, "BOOKMARK")
        XCTAssertEqual(bookmark.object, [
            "kind": "Fabric", "apiVersion": "wiring.githedgehog.com/v1alpha2",
            "metadata": ["resourceVersion": .string(String(store.currentResourceVersion))],
        ])
    }

    func testASlowWatcherIsClosedWhenItsQueueIsFull() throws {
        let store = EmulatorStore(configuration: .init(watcherCapacity: 2))
        let configmaps = store.type("configmaps")
        let watcher = try store.watch(configmaps, namespace: nil, options: WatchOptions(resourceVersion: String(store.currentResourceVersion)))
        for index in 0..<4 { _ = try store.create(configmaps, namespace: "default", body: configMap("c\(index)"), options: writer) }
        XCTAssertTrue(watcher.isClosed)
        XCTAssertEqual(watcher.drain().count, 2)
    }
}

/// The watcher bound is for live events; a large initial state still arrives whole.
final class LargeInitialStateWatchTests: XCTestCase {
    func testInitialStateLargerThanTheQueueBoundIsDelivered() throws {
        let store = EmulatorStore(configuration: .init(watcherCapacity: 3))
        let configmaps = store.type("configmaps")
        for index in 0..<10 { _ = try store.create(configmaps, namespace: "default", body: configMap("c\(index)"), options: writer) }
        let watcher = try store.watch(configmaps, namespace: nil)
        XCTAssertFalse(watcher.isClosed)
        XCTAssertEqual(watcher.drain().count, 10)
    }
}
