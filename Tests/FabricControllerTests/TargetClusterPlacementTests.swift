import FabricController
import FabricSource
import FabricValue
import KubeClient
import XCTest

/// A fabric's members go to the cluster its kubeconfig Secret names, and
/// only there; the Fabric, its status and its Events stay home; drift and
/// prunes act in the target.
final class TargetClusterPlacementTests: XCTestCase {
    func testMembersLandInTheirFabricsClusterAndOnlyThere() async throws {
        let bed = try await TargetTestBed(tokens: ["token-one", "token-two"])
        do {
            try bed.writeFabric("home", members: ["home-info": ["site": "hq"]])
            try bed.writeFabric("one", secret: "one-kubeconfig", members: ["one-info": ["site": "lab1"], "one-extra": ["a": "b"]])
            try bed.writeFabric("two", secret: "two-kubeconfig", members: ["two-info": ["site": "lab2"]])
            try await bed.putSecret("one-kubeconfig", kubeconfig: bed.kubeconfig(target: 0, token: "token-one"))
            try await bed.putSecret("two-kubeconfig", kubeconfig: bed.kubeconfig(target: 1, token: "token-two"))

            let reports = await bed.controller.reconcileEveryFabricOnce()
            XCTAssertEqual(reports.map(\.syncStatus.rawValue), ["in_sync", "in_sync", "in_sync"], reports.map(\.message).joined(separator: "; "))

            let clusters = [("home", bed.homeClient), ("one", bed.targetClients[0]), ("two", bed.targetClients[1])]
            let expected = ["home": ["home-info"], "one": ["one-extra", "one-info"], "two": ["two-info"]]
            for (cluster, client) in clusters {
                for name in ["home-info", "one-info", "one-extra", "two-info"] {
                    let present = try await bed.configMap(name, in: client) != nil
                    XCTAssertEqual(present, expected[cluster]!.contains(name), "\(name) in the \(cluster) cluster")
                }
            }
            let member = try await bed.configMap("one-info", in: bed.targetClients[0])
            XCTAssertEqual(member?.value(at: "metadata", "labels", "fabric.githedgehog.com/name")?.stringValue, "one")
            for target in bed.targetClients {
                let fabrics = try await target.list(apiVersion: Fabric.apiVersion, kind: Fabric.kind, allNamespaces: true)
                XCTAssertEqual(fabrics.items.count, 0, "Fabric objects stay in the controller's cluster")
            }
            let inventory = try await bed.fabricStatus("one")?["inventory"]?["entries"]?.arrayValue?.compactMap { $0["id"]?.stringValue }
            XCTAssertEqual(inventory?.sorted(), ["default_one-extra__ConfigMap", "default_one-info__ConfigMap"])
        } catch {
            await bed.stop()
            throw error
        }
        await bed.stop()
    }

    func testPruningActsInTheTargetOnly() async throws {
        let bed = try await TargetTestBed(tokens: [nil])
        do {
            try bed.writeFabric("one", secret: "one-kubeconfig", members: ["keep": ["k": "v"], "leaving": ["k": "v"]])
            try await bed.putSecret("one-kubeconfig", kubeconfig: bed.kubeconfig(target: 0, token: nil))
            _ = await bed.controller.reconcileEveryFabricOnce()
            // A same-named object at home, not the fabric's: prune must not touch it.
            _ = try await bed.homeClient.apply(["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "leaving", "namespace": "default"]])

            try bed.writeFabric("one", secret: "one-kubeconfig", members: ["keep": ["k": "v"]])
            let reports = await bed.controller.reconcileEveryFabricOnce()
            XCTAssertEqual(reports.first?.counts.pruned, 1)
            let prunedInTarget = try await bed.configMap("leaving", in: bed.targetClients[0])
            XCTAssertNil(prunedInTarget)
            let keptInTarget = try await bed.configMap("keep", in: bed.targetClients[0])
            XCTAssertNotNil(keptInTarget)
            let untouchedAtHome = try await bed.configMap("leaving", in: bed.homeClient)
            XCTAssertNotNil(untouchedAtHome)
            XCTAssertEqual(bed.home.requests.count(.delete, pathContains: "/configmaps"), 0)
        } catch {
            await bed.stop()
            throw error
        }
        await bed.stop()
    }

    func testDriftInATargetIsReverted() async throws {
        let bed = try await TargetTestBed(tokens: ["token-one"])
        do {
            try bed.writeFabric("one", secret: "one-kubeconfig", members: ["one-info": ["site": "lab1"]])
            try await bed.putSecret("one-kubeconfig", kubeconfig: bed.kubeconfig(target: 0, token: "token-one"))
            bed.startLoop()
            try await bed.eventually("the member reaches the target") { try await bed.configMap("one-info", in: bed.targetClients[0]) != nil }
            try await bed.eventually("the fabric is in sync") { try await bed.syncStatus("one") == "in_sync" }

            _ = try await bed.targetClients[0].mergePatch(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "one-info",
                                                          patch: ["data": ["site": "edited by hand"]])
            try await bed.eventually("the edit in the target is put back") {
                try await bed.configMap("one-info", in: bed.targetClients[0])?["data"]?["site"]?.stringValue == "lab1"
            }
            XCTAssertTrue(bed.notifications.text.contains("drift_detected"))
        } catch {
            await bed.stop()
            throw error
        }
        await bed.stop()
    }
}
