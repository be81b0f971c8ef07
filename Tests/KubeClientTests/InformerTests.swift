import FabricValue
import KubeClient
import XCTest

/// The informer under churn: every change seen once and in order while the
/// stream holds and across dropped streams; after a forced 410 the cache
/// equals a fresh LIST and no resourceVersion is delivered twice.
final class InformerTests: XCTestCase {
    /// What the handler saw.
    final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var versions: [Int] = []
        private(set) var deliveries: [String] = []
        private(set) var errors: [String] = []
        private(set) var syncs = 0

        func record(_ event: InformerEvent) {
            lock.withLock {
                switch event {
                case .added(let object), .modified(_, let object), .deleted(let object):
                    let rv = object.value(at: "metadata", "resourceVersion")?.stringValue ?? ""
                    versions.append(Int(rv) ?? -1)
                    // A deletion learnt from a relist carries the last state seen, so it is told apart by its kind.
                    let change = if case .deleted = event { "deleted" } else { "changed" }
                    deliveries.append("\(change) \(object.value(at: "metadata", "name")?.stringValue ?? "")@\(rv)")
                case .synced: syncs += 1
                case .error(let error): errors.append(error.description)
                }
            }
        }

        var snapshot: (versions: [Int], deliveries: [String], errors: [String], syncs: Int) {
            lock.withLock { (versions, deliveries, errors, syncs) }
        }
    }

    private func start(_ cluster: EmulatorCluster) async throws -> (Informer, Recorder, Task<Void, Never>) {
        let informer = Informer(client: cluster.client, apiVersion: "v1", kind: "ConfigMap", namespace: "default",
                                backoff: RetryPolicy(maximumAttempts: .max, initialDelay: .milliseconds(10), maximumDelay: .milliseconds(200)))
        let recorder = Recorder()
        let task = Task { await informer.run { recorder.record($0) } }
        try await waitUntil("the first list") { recorder.snapshot.syncs >= 1 }
        return (informer, recorder, task)
    }

    private func waitUntil(_ what: String, timeout: Duration = .seconds(120), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            if ContinuousClock.now > deadline { return XCTFail("timed out waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    private func cluster() async throws -> EmulatorCluster {
        let cluster = try await EmulatorCluster(configuration: .init(store: .init(historyLimit: 20_000, watcherCapacity: 20_000)))
        addTeardownBlock { await cluster.stop() }
        return cluster
    }

    /// 10,000 writes: 500 creates, then updates round-robin, dropping all watches every `dropEvery` writes.
    private func churn(_ cluster: EmulatorCluster, dropEvery: Int?) throws -> [Int] {
        var written: [Int] = []
        for index in 0..<10_000 {
            written.append(Int(try cluster.emulator.writeConfigMap("cm-\(index % 500)", value: String(index)))!)
            if let dropEvery, index % dropEvery == dropEvery - 1 { cluster.emulator.dropWatches() }
        }
        return written
    }

    func testTenThousandChangesAreSeenInOrderWithoutGapsOrDuplicates() async throws {
        let cluster = try await cluster()
        let (informer, recorder, task) = try await start(cluster)
        let written = try churn(cluster, dropEvery: nil)
        try await waitUntil("every change") { recorder.snapshot.versions.count >= written.count }
        task.cancel()
        XCTAssertEqual(recorder.snapshot.versions, written)
        XCTAssertEqual(informer.store.count, 500)
        XCTAssertEqual(informer.listCount, 1)
        XCTAssertEqual(recorder.snapshot.errors, [])
    }

    func testDroppedStreamsResumeFromTheLastVersionWithoutAGap() async throws {
        let cluster = try await cluster()
        let (informer, recorder, task) = try await start(cluster)
        let written = try churn(cluster, dropEvery: 1_500)
        try await waitUntil("every change") { recorder.snapshot.versions.count >= written.count }
        task.cancel()
        XCTAssertEqual(recorder.snapshot.versions, written)
        XCTAssertEqual(informer.listCount, 1, "resumed, never relisted")
        XCTAssertGreaterThan(informer.watchCount, 1, "the dropped watches were reopened")
    }

    func testAForced410RelistsAndTheCacheEqualsAFreshList() async throws {
        let cluster = try await cluster()
        for index in 0..<50 { try cluster.emulator.writeConfigMap("cm-\(index)", value: "0") }
        let (informer, recorder, task) = try await start(cluster)
        try await waitUntil("the initial objects") { informer.store.count == 50 }
        cluster.emulator.forceGone()
        // Changes while the informer is cut off: updates, deletes and creations it can only learn by relisting.
        for index in 0..<20 { try cluster.emulator.writeConfigMap("cm-\(index)", value: "1") }
        for index in 20..<30 { try cluster.emulator.deleteConfigMap("cm-\(index)") }
        for index in 50..<60 { try cluster.emulator.writeConfigMap("cm-\(index)", value: "new") }
        try await waitUntil("the relist") { informer.listCount >= 2 && recorder.snapshot.syncs >= 2 }
        try await waitUntil("convergence") { informer.store.count == 50 }
        task.cancel()

        let fresh = try await cluster.client.list(apiVersion: "v1", kind: "ConfigMap", namespace: "default")
        func summary(_ objects: [Value]) -> [String] {
            objects.map { "\($0.value(at: "metadata", "name")?.stringValue ?? "")@\($0.value(at: "metadata", "resourceVersion")?.stringValue ?? "")" }.sorted()
        }
        XCTAssertEqual(summary(informer.store.list()), summary(fresh.items))
        let deliveries = recorder.snapshot.deliveries
        XCTAssertEqual(deliveries.count, Set(deliveries).count, "no object delivered twice at one resourceVersion")
        XCTAssertTrue(recorder.snapshot.errors.contains { $0.contains("410") || $0.contains("Expired") }, "the 410 was reported: \(recorder.snapshot.errors)")
    }

    func testAWatchSeesBookmarksAndKeepsTheirVersion() async throws {
        let cluster = try await EmulatorCluster(configuration: .init(bookmarkInterval: .milliseconds(100)))
        addTeardownBlock { await cluster.stop() }
        let list = try await cluster.client.list(apiVersion: "v1", kind: "ConfigMap")
        try cluster.emulator.writeConfigMap("elsewhere", value: "x")
        var types: [WatchEventType] = []
        for try await event in cluster.client.watch(apiVersion: "v1", kind: "ConfigMap", options: WatchOptions(resourceVersion: list.resourceVersion)) {
            types.append(event.type)
            if event.type == .bookmark {
                XCTAssertNotNil(event.resourceVersion)
                break
            }
        }
        XCTAssertEqual(types, [.added, .bookmark])
    }

    func testAWatchFromACompactedVersionFailsWithGone() async throws {
        let cluster = try await cluster()
        let list = try await cluster.client.list(apiVersion: "v1", kind: "ConfigMap")
        try cluster.emulator.writeConfigMap("a", value: "1")
        try cluster.emulator.writeConfigMap("a", value: "2")
        cluster.emulator.forceGone()
        do {
            for try await _ in cluster.client.watch(apiVersion: "v1", kind: "ConfigMap", options: WatchOptions(resourceVersion: list.resourceVersion)) {}
            XCTFail("a watch from a compacted version ran")
        } catch {
            XCTAssertTrue(error.isGone, "\(error)")
        }
    }
}

/// A watch the server refuses is retried with backoff from the same version, without a relist.
final class InformerReconnectTests: XCTestCase {
    func testRefusedWatchesAreReportedAndRetriedWithoutRelisting() async throws {
        let cluster = try await EmulatorCluster()
        addTeardownBlock { await cluster.stop() }
        cluster.emulator.faults.failNext(3, status: 500, verb: .watch)
        let informer = Informer(client: cluster.client, apiVersion: "v1", kind: "ConfigMap", namespace: "default",
                                backoff: RetryPolicy(maximumAttempts: .max, initialDelay: .milliseconds(10), maximumDelay: .milliseconds(100)))
        let recorder = InformerTests.Recorder()
        let task = Task { await informer.run { recorder.record($0) } }
        defer { task.cancel() }
        let deadline = ContinuousClock.now + .seconds(60)
        while !informer.hasSynced {
            if ContinuousClock.now > deadline { return XCTFail("the informer never listed") }
            try await Task.sleep(for: .milliseconds(5))
        }
        // Written after the list: only a watch can bring it.
        try cluster.emulator.writeConfigMap("after-the-faults", value: "1")
        while informer.store.get(namespace: "default", name: "after-the-faults") == nil {
            if ContinuousClock.now > deadline { return XCTFail("the informer never recovered: \(recorder.snapshot.errors)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        XCTAssertTrue(informer.hasSynced)
        XCTAssertEqual(recorder.snapshot.errors.count, 3, "\(recorder.snapshot.errors)")
        XCTAssertTrue(recorder.snapshot.errors.allSatisfy { $0.contains("500") })
        XCTAssertEqual(informer.listCount, 1)
        XCTAssertEqual(informer.watchCount, 4)
    }
}
