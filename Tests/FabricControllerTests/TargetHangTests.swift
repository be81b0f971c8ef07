import FabricController
import FabricValue
import KubeClient
import KubeEmulator
import XCTest

/// A target that stops answering fails its own fabric (ClusterUnreachable,
/// after the client's timeout) while the other fabrics keep converging, and
/// the fabric recovers by itself once the target answers again.
final class TargetHangTests: XCTestCase {
    func testAHungTargetDoesNotHoldUpTheOtherFabrics() async throws {
        let bed = try await TargetTestBed(tokens: [nil, nil])
        do {
            try bed.writeFabric("home", members: ["home-info": ["v": "1"]])
            try bed.writeFabric("one", secret: "one-kubeconfig", members: ["one-info": ["v": "1"]])
            try bed.writeFabric("two", secret: "two-kubeconfig", members: ["two-info": ["v": "1"]])
            try await bed.putSecret("one-kubeconfig", kubeconfig: bed.kubeconfig(target: 0, token: nil))
            try await bed.putSecret("two-kubeconfig", kubeconfig: bed.kubeconfig(target: 1, token: nil))
            bed.startLoop()
            for name in ["home", "one", "two"] {
                try await bed.eventually("\(name) converges") { try await bed.syncStatus(name) == "in_sync" }
            }

            bed.targets[0].faults.delayResponses(by: .seconds(20))
            try bed.writeFabric("home", members: ["home-info": ["v": "2"]])
            try bed.writeFabric("one", secret: "one-kubeconfig", members: ["one-info": ["v": "2"]])
            try bed.writeFabric("two", secret: "two-kubeconfig", members: ["two-info": ["v": "2"]])
            try await bed.eventually("the home fabric converges while target one hangs") {
                try await bed.configMap("home-info", in: bed.homeClient)?["data"]?["v"]?.stringValue == "2"
            }
            try await bed.eventually("the other target's fabric converges while target one hangs") {
                try await bed.configMap("two-info", in: bed.targetClients[1])?["data"]?["v"]?.stringValue == "2"
            }
            // Read from the emulator's store: the hung target's HTTP answers are what is delayed.
            let type = try XCTUnwrap(bed.targets[0].store.resourceType(apiVersion: "v1", kind: "ConfigMap"))
            let stillOld = try bed.targets[0].store.get(type, namespace: "default", name: "one-info")
            XCTAssertEqual(stillOld["data"]?["v"]?.stringValue, "1", "the other fabrics converged before the hung one could apply")

            try await bed.eventually("the hung fabric fails with ClusterUnreachable", timeout: .seconds(60)) {
                try await bed.readyReason("one") == "ClusterUnreachable"
            }
            let status = try await bed.syncStatus("one")
            XCTAssertEqual(status, "error")

            bed.targets[0].faults.clearDelays()
            try await bed.eventually("the fabric recovers once its target answers", timeout: .seconds(90)) {
                try await bed.syncStatus("one") == "in_sync"
            }
            let applied = try await bed.configMap("one-info", in: bed.targetClients[0])
            XCTAssertEqual(applied?["data"]?["v"]?.stringValue, "2")
        } catch {
            await bed.stop()
            throw error
        }
        await bed.stop()
    }
}
