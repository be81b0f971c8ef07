import FabricController
import FabricValue
import Foundation
import KubeClient
import KubeEmulator
import Synchronization
import XCTest

/// Two candidates on one real Lease: one leads at a time; when the leader
/// stops, the other takes over (at once on release, within the lease when it just dies).
final class LeaderElectionTests: XCTestCase {
    final class Leading: Sendable {
        let state = Mutex<[String: Bool]>([:])
        func set(_ identity: String, _ leading: Bool) { state.withLock { $0[identity] = leading } }
        var leaders: [String] { state.withLock { $0.filter(\.value).map(\.key).sorted() } }
    }

    func fastRules(_ identity: String) -> LeaderElectionRules {
        var rules = LeaderElectionRules(identity: identity)
        rules.leaseDuration = 3
        rules.renewDeadline = 2
        rules.retryPeriod = 0.2
        return rules
    }

    func testOneLeaderAtATimeAndTakeoverWhenTheLeaderDies() async throws {
        let emulator = try KubeEmulator()
        let url = try await emulator.start()
        defer { Task { await emulator.shutdown() } }
        let client = KubeClient(config: ClusterConfig(server: url.absoluteString))
        let leading = Leading()
        let a = LeaderElector(client: client, namespace: "default", rules: fastRules("pod-a"), pod: nil, log: .silent)
        let b = LeaderElector(client: client, namespace: "default", rules: fastRules("pod-b"), pod: nil, log: .silent)
        let runA = Task { await a.run { leading.set("pod-a", $0) } }
        try await waitFor { leading.leaders == ["pod-a"] }
        let runB = Task { await b.run { leading.set("pod-b", $0) } }
        defer { runB.cancel() }
        try await Task.sleep(for: .seconds(1))
        XCTAssertEqual(leading.leaders, ["pod-a"], "the standby waits while the lease is renewed")

        runA.cancel()  // dies without releasing
        leading.set("pod-a", false)
        let died = ContinuousClock.now
        try await waitFor { leading.leaders == ["pod-b"] }
        XCTAssertLessThan(ContinuousClock.now - died, .seconds(10), "taken over within the lease (3 s) plus retries")
    }

    func testAReleasedLeaseIsTakenOverAtOnce() async throws {
        let emulator = try KubeEmulator()
        let url = try await emulator.start()
        defer { Task { await emulator.shutdown() } }
        let client = KubeClient(config: ClusterConfig(server: url.absoluteString))
        let leading = Leading()
        var slow = fastRules("pod-a")
        slow.leaseDuration = 60
        let a = LeaderElector(client: client, namespace: "default", rules: slow, pod: nil, log: .silent)
        let b = LeaderElector(client: client, namespace: "default", rules: fastRules("pod-b"), pod: nil, log: .silent)
        let runA = Task { await a.run { leading.set("pod-a", $0) } }
        try await waitFor { leading.leaders == ["pod-a"] }
        let runB = Task { await b.run { leading.set("pod-b", $0) } }
        defer { runB.cancel() }
        runA.cancel()
        await a.release()
        try await waitFor { leading.leaders == ["pod-b"] }
        let lease = try await client.getLease(namespace: "default", name: "fabricsync-leader")
        XCTAssertEqual(lease?.holderIdentity, "pod-b")
    }

    private func waitFor(timeout: Duration = .seconds(30), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            if ContinuousClock.now > deadline { return XCTFail("timed out") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
