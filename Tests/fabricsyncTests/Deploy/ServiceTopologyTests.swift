import FabricValue
import Foundation
import XCTest

/// The Services and the PodDisruptionBudget of the rendered base select the Deployment's Pods as the design says:
/// notifications go to the leader only, metrics to both replicas, and a voluntary disruption keeps one replica.
final class ServiceTopologyTests: XCTestCase {
    private func podLabels(_ objects: [Value]) throws -> Object {
        let deployment = try XCTUnwrap(objects.object(kind: "Deployment", name: "fabricsync"))
        return try XCTUnwrap(deployment.value(at: "spec", "template", "metadata", "labels")?.objectValue)
    }

    private func matches(_ selector: Object, _ labels: Object) -> Bool {
        selector.keys.allSatisfy { labels[$0] != nil && labels[$0] == selector[$0] }
    }

    func testTheNotificationsServiceSelectsOnlyTheLeader() throws {
        let objects = try RenderedManifests.objects()
        let service = try XCTUnwrap(objects.object(kind: "Service", name: "fabricsync"))
        let selector = try XCTUnwrap(service.value(at: "spec", "selector")?.objectValue)
        XCTAssertEqual(selector["fabric.githedgehog.com/role"], "leader")
        // Once the leader adds its role label, the rest of the selector must match the Pod template.
        var leaderLabels = try podLabels(objects)
        leaderLabels["fabric.githedgehog.com/role"] = "leader"
        XCTAssertTrue(matches(selector, leaderLabels), "selector \(selector) misses the leader's labels \(leaderLabels)")
        XCTAssertFalse(matches(selector, try podLabels(objects)), "a follower would receive notifications traffic")
    }

    func testTheMetricsServiceSelectsBothReplicas() throws {
        let objects = try RenderedManifests.objects()
        let service = try XCTUnwrap(objects.object(kind: "Service", name: "fabricsync-metrics"))
        let selector = try XCTUnwrap(service.value(at: "spec", "selector")?.objectValue)
        XCTAssertTrue(matches(selector, try podLabels(objects)))
    }

    func testADisruptionBudgetKeepsOneReplica() throws {
        let objects = try RenderedManifests.objects()
        let budget = try XCTUnwrap(objects.objects(kind: "PodDisruptionBudget").first, "no PodDisruptionBudget")
        let selector = try XCTUnwrap(budget.value(at: "spec", "selector", "matchLabels")?.objectValue)
        XCTAssertTrue(matches(selector, try podLabels(objects)))
        let replicas = try XCTUnwrap(objects.object(kind: "Deployment", name: "fabricsync")?.value(at: "spec", "replicas")?.intValue)
        if let minAvailable = budget.value(at: "spec", "minAvailable")?.intValue {
            XCTAssertTrue(minAvailable >= 1 && minAvailable < replicas, "minAvailable \(minAvailable) of \(replicas) blocks every drain")
        } else {
            XCTAssertNotNil(budget.value(at: "spec", "maxUnavailable"))
        }
    }
}
