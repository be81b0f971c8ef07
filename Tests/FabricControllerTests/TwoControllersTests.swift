import FabricController
import FabricSource
import FabricValue
import Foundation
import KubeClient
import Synchronization
import XCTest

/// Two controllers on one cluster, each campaigning for the Lease as
/// `run --leader-elect` does: only the leader reconciles; when it stops, the
/// other takes over and reconciles.
final class TwoControllersTests: XCTestCase {
    /// One replica: a controller whose loop runs only while its elector leads.
    final class Replica: @unchecked Sendable {
        let controller: Controller
        let elector: LeaderElector
        private let lock = NSLock()
        private var loop: Task<Void, Never>?
        private var campaign: Task<Void, Never>?

        init(controller: Controller, elector: LeaderElector) {
            self.controller = controller
            self.elector = elector
        }

        func start() {
            let controller = self.controller
            campaign = Task {
                await elector.run { [weak self] leading in
                    guard let self else { return }
                    self.lock.withLock {
                        self.loop?.cancel()
                        self.loop = leading ? Task { await controller.run() } : nil
                    }
                    if !leading { await controller.abandonInFlight() }
                }
            }
        }

        func stop() async {
            campaign?.cancel()
            lock.withLock { loop?.cancel(); loop = nil }
            await controller.abandonInFlight()
            await elector.release()
        }
    }

    func rules(_ identity: String) -> LeaderElectionRules {
        var rules = LeaderElectionRules(identity: identity)
        rules.leaseDuration = 3
        rules.renewDeadline = 2
        rules.retryPeriod = 0.2
        return rules
    }

    func testOnlyTheLeaderReconcilesAndTheOtherTakesOver() async throws {
        let harness = try await ControllerHarness(files: ["a/fabric.yaml": Fixtures.fabric("a"), "a/m.yaml": Fixtures.configMap("a-m", ["v": "1"])])
        defer { Task { await harness.shutdown() } }
        var configuration = Controller.Configuration()
        configuration.sourcePollInterval = .milliseconds(100)
        let second = Controller(configuration: configuration, source: FolderSource(root: harness.folder.path, options: SourceOptions(git: nil)),
                                home: harness.cluster, reconciler: harness.reconciler, log: .silent)
        let a = Replica(controller: harness.controller,
                        elector: LeaderElector(client: harness.client, namespace: "default", rules: rules("pod-a"), pod: nil, log: .silent))
        let b = Replica(controller: second,
                        elector: LeaderElector(client: harness.client, namespace: "default", rules: rules("pod-b"), pod: nil, log: .silent))
        a.start()
        try await harness.eventually("pod-a leads and converges") { try await harness.fabric("a").value(at: "status", "syncStatus") == "in_sync" }
        b.start()
        try harness.write("a/m.yaml", Fixtures.configMap("a-m", ["v": "2"]))
        try await harness.eventually("the leader applies the change") { try await harness.object("v1", "ConfigMap", "a-m")?.value(at: "data", "v") == "2" }
        try await Task.sleep(for: .seconds(1))
        let standbyRuns = await second.totalReconciles
        XCTAssertEqual(standbyRuns, 0, "the standby never reconciles")

        await a.stop()
        let stopped = ContinuousClock.now
        try harness.write("a/m.yaml", Fixtures.configMap("a-m", ["v": "3"]))
        try await harness.eventually("the standby takes over and applies") { try await harness.object("v1", "ConfigMap", "a-m")?.value(at: "data", "v") == "3" }
        XCTAssertLessThan(ContinuousClock.now - stopped, .seconds(15), "within the lease time")
        // The run that applied it is counted when it ends (after its status write).
        try await harness.eventually("the standby's run is counted") { await second.totalReconciles > 0 }
        await b.stop()
    }
}
