import FabricController
import FabricValue
import KubeEmulator
import XCTest

/// The API server failing: the fabric says error, and converges with
/// nothing lost once the server recovers.
final class APIFailureTests: XCTestCase {
    func testFailingWritesGiveAnErrorStatusThenConverge() async throws {
        let harness = try await ControllerHarness(files: ["dc/fabric.yaml": Fixtures.fabric("dc"), "dc/m.yaml": Fixtures.join(Fixtures.configMap("one", ["a": "1"]), Fixtures.configMap("two", ["a": "2"]))])
        defer { Task { await harness.shutdown() } }
        _ = await harness.reconcileOnce()
        try harness.write("dc/m.yaml", Fixtures.join(Fixtures.configMap("one", ["a": "10"]), Fixtures.configMap("two", ["a": "20"])))
        harness.emulator.faults.failNext(1_000, status: 500, verb: .apply, pathContains: "/configmaps/")
        let failed = await harness.reconcileOnce()["hedgehog-system/dc"]
        XCTAssertEqual(failed?.outcome.reason, "ApplyFailed")
        let status = try await harness.fabric("dc")["status"]
        XCTAssertEqual(status?["syncStatus"], "error")
        XCTAssertEqual(status?["inventory"]?["entries"]?.arrayValue?.count, 2, "nothing lost from the inventory")

        harness.emulator.faults.clearFailures()
        let recovered = await harness.reconcileOnce()["hedgehog-system/dc"]
        XCTAssertEqual(recovered?.outcome, .succeeded)
        let one = try await harness.object("v1", "ConfigMap", "one")
        XCTAssertEqual(one?.value(at: "data", "a"), "10")
        let final = try await harness.fabric("dc")
        XCTAssertEqual(final.value(at: "status", "syncStatus"), "in_sync")
    }
}
