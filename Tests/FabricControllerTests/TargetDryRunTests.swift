import FabricController
import FabricSource
import FabricValue
import KubeClient
import KubeEmulator
import XCTest

/// `run --dry-run` plans each fabric against its own target cluster, and
/// writes nothing to any cluster.
final class TargetDryRunTests: XCTestCase {
    func testADryRunPlansAgainstEachFabricsOwnClusterAndWritesNothing() async throws {
        let bed = try await TargetTestBed(tokens: ["token-one", "token-two"], dryRun: true)
        do {
            try bed.writeFabric("home", members: ["home-info": ["v": "1"]])
            try bed.writeFabric("one", secret: "one-kubeconfig", members: ["one-info": ["v": "1"], "one-new": ["v": "1"]])
            try bed.writeFabric("two", secret: "two-kubeconfig", members: ["two-info": ["v": "1"]])
            try await bed.putSecret("one-kubeconfig", kubeconfig: bed.kubeconfig(target: 0, token: "token-one"))
            try await bed.putSecret("two-kubeconfig", kubeconfig: bed.kubeconfig(target: 1, token: "token-two"))
            // Target one already holds one of its members, as a person left it.
            _ = try await bed.targetClients[0].apply(["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "one-info", "namespace": "default"],
                                                      "data": ["v": "0"]], fieldManager: "kubectl")

            let reports = await bed.controller.reconcileEveryFabricOnce()
            XCTAssertEqual(reports.map(\.ready), [true, true, true], reports.map(\.message).joined(separator: "; "))
            let one = try XCTUnwrap(reports.first { $0.fabricID == "hedgehog-system/one" })
            let changes = try XCTUnwrap(one.plan).entries.filter { $0.id.kind == "ConfigMap" }.map { "\($0.action) \($0.id.name)" }.sorted()
            XCTAssertEqual(changes, ["create one-new", "update one-info"], "planned against target one, where one-info exists")

            let type = try XCTUnwrap(bed.targets[0].store.resourceType(apiVersion: "v1", kind: "ConfigMap"))
            XCTAssertThrowsError(try bed.targets[0].store.get(type, namespace: "default", name: "one-new"), "nothing created by a dry run")
            XCTAssertEqual(try bed.targets[0].store.get(type, namespace: "default", name: "one-info")["data"]?["v"]?.stringValue, "0")
            let homeFabric = try await bed.fabricStatus("one")
            XCTAssertNil(homeFabric, "a dry run writes no Fabric and no status")
        } catch {
            await bed.stop()
            throw error
        }
        await bed.stop()
    }
}
