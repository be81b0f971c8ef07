import XCTest
import Foundation
import FabricValue
@testable import KubeEmulator

/// Writers on several threads: versions stay unique and ordered, and a watcher sees every change once, in order.
final class ConcurrentWritesTests: XCTestCase {
    func testConcurrentWritersAndAWatcherAgree() throws {
        let store = EmulatorStore(configuration: .init(historyLimit: 10_000, watcherCapacity: 10_000))
        let configmaps = store.type("configmaps")
        let start = store.currentResourceVersion
        let watcher = try store.watch(configmaps, namespace: nil, options: WatchOptions(resourceVersion: String(start)))
        let failures = FailureCount()
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for index in 0..<100 {
                do {
                    _ = try store.create(configmaps, namespace: "default", body: configMap("w\(worker)-\(index)"), options: writer)
                    _ = try store.patch(configmaps, namespace: "default", name: "w\(worker)-\(index)", patch: ["data": ["n": .string("\(index)")]],
                                        patchType: .merge, options: writer)
                } catch {
                    failures.add()
                }
            }
        }
        XCTAssertEqual(failures.value, 0)
        let events = watcher.drain()
        XCTAssertEqual(events.count, 800)
        let versions = events.compactMap { Int64($0.object.resourceVersion) }
        XCTAssertEqual(versions, Array((start + 1)...(start + 800)), "every version once, in order")
        let resumed = try store.watch(configmaps, namespace: nil, options: WatchOptions(resourceVersion: String(start + 400))).drain()
        XCTAssertEqual(resumed.count, 400)
        XCTAssertEqual(resumed.first?.object.resourceVersion, String(start + 401))
    }
}

private final class FailureCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
