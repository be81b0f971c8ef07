import FabricController
import FabricDiff
import KubeClient
import KubeEmulator
import XCTest

/// A target's client is closed when its Secret rotates while a reconcile may
/// still be reading through it: that reconcile must fail, not wait forever.
final class KubeClusterCloseTests: XCTestCase {
    func testClosingFailsReadersWaitingForAFirstListAndLaterReads() async throws {
        let emulator = try KubeEmulator()
        let url = try await emulator.start()
        emulator.faults.delayResponses(by: .seconds(30), verb: .list)
        let cluster = KubeCluster(client: KubeClient(config: ClusterConfig(server: url.absoluteString),
                                                     options: KubeClient.Options(retry: .never, requestTimeout: .seconds(60))))
        let id = try XCTUnwrap(ObjectID(object: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "a", "namespace": "default"]]))
        let reader = Task { () -> String in
            do {
                _ = try await cluster.live(id)
                return "answered"
            } catch {
                return "\(error)"
            }
        }
        try await Task.sleep(for: .milliseconds(300))  // the reader is waiting for the delayed first list
        cluster.close()
        let outcome = await reader.value
        XCTAssertTrue(outcome.contains("closed"), outcome)
        do {
            _ = try await cluster.live(id)
            XCTFail("a read after close answered")
        } catch {
            XCTAssertTrue("\(error)".contains("closed"), "\(error)")
        }
        emulator.faults.clearDelays()
        await emulator.shutdown()
    }
}
