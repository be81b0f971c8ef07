import FabricValue
import KubeClient
import XCTest

/// Every operation against the emulator over real loopback HTTP.
final class OperationsTests: XCTestCase {
    private func cluster() async throws -> EmulatorCluster {
        let cluster = try await EmulatorCluster()
        addTeardownBlock { await cluster.stop() }
        return cluster
    }

    func testCreateGetPagedListAndDelete() async throws {
        let cluster = try await cluster()
        let client = cluster.client
        for index in 0..<7 { _ = try await client.create(EmulatorCluster.configMap("cm-\(index)")) }
        let got = try await client.get(apiVersion: "v1", kind: "ConfigMap", name: "cm-3")
        XCTAssertEqual(got["data"], .object(Object([("k", "v")])))
        XCTAssertNotNil(got.value(at: "metadata", "uid"))

        cluster.emulator.requests.reset()
        let list = try await client.list(apiVersion: "v1", kind: "ConfigMap", pageSize: 3)
        XCTAssertEqual(list.items.compactMap { $0.value(at: "metadata", "name")?.stringValue }.sorted(), (0..<7).map { "cm-\($0)" })
        XCTAssertEqual(cluster.emulator.requests.count(.list), 3, "7 objects in pages of 3")
        XCTAssertFalse(list.resourceVersion.isEmpty)
        XCTAssertEqual(list.items.first?["kind"], "ConfigMap", "list items carry their kind")

        let deleted = try await client.delete(apiVersion: "v1", kind: "ConfigMap", name: "cm-3", propagation: .foreground)
        XCTAssertTrue(deleted)
        let absent = try await client.getIfPresent(apiVersion: "v1", kind: "ConfigMap", name: "cm-3")
        XCTAssertNil(absent)
        let again = try await client.delete(apiVersion: "v1", kind: "ConfigMap", name: "cm-3")
        XCTAssertFalse(again, "deleting what is gone reports it, without an error")
        do {
            _ = try await client.get(apiVersion: "v1", kind: "ConfigMap", name: "cm-3")
            XCTFail("got a deleted object")
        } catch {
            XCTAssertTrue(error.isNotFound)
            XCTAssertEqual(error.status?.code, 404)
        }
    }

    func testCreatingTwiceKeepsTheServersAlreadyExistsStatus() async throws {
        let client = try await cluster().client
        _ = try await client.create(EmulatorCluster.configMap("twice"))
        do {
            _ = try await client.create(EmulatorCluster.configMap("twice"))
            XCTFail("created twice")
        } catch {
            XCTAssertEqual(error.status?.reason, "AlreadyExists")
            XCTAssertTrue(error.status?.message.contains("twice") == true, error.description)
        }
    }

    func testServerSideApplyOwnsFieldsAndForceTakesThem() async throws {
        let client = try await cluster().client
        let first = try await client.apply(EmulatorCluster.configMap("applied", data: [("a", "1")]))
        let again = try await client.apply(EmulatorCluster.configMap("applied", data: [("a", "1")]))
        XCTAssertEqual(first.value(at: "metadata", "resourceVersion"), again.value(at: "metadata", "resourceVersion"), "an unchanged apply writes nothing")
        let managers = again.value(at: "metadata", "managedFields")?.arrayValue?.compactMap { $0["manager"]?.stringValue }
        XCTAssertEqual(managers, ["fabricsync"])

        _ = try await client.apply(EmulatorCluster.configMap("applied", data: [("a", "2")]), fieldManager: "kubectl-edit", force: true)
        do {
            _ = try await client.apply(EmulatorCluster.configMap("applied", data: [("a", "1")]), force: false)
            XCTFail("took a field owned by another manager without force")
        } catch {
            XCTAssertEqual(error.status?.code, 409)
            XCTAssertFalse(error.status?.causes.isEmpty ?? true, "the conflict names the field")
        }
        let forced = try await client.apply(EmulatorCluster.configMap("applied", data: [("a", "1")]))
        XCTAssertEqual(forced.value(at: "data", "a"), "1")
    }

    func testAKindIsFoundOnceItsCRDIsInstalled() async throws {
        let client = try await cluster().client
        do {
            _ = try await client.apply(EmulatorCluster.fabric("dc1"))
            XCTFail("applied a kind the server does not serve")
        } catch {
            guard case .discovery(let discovery) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(discovery.message.contains("Fabric"), discovery.message)
        }
        _ = try await client.apply(EmulatorCluster.fabricCRD)
        let fabric = try await client.apply(EmulatorCluster.fabric("dc1"))
        XCTAssertEqual(fabric.value(at: "spec", "asn"), .int(65000))
    }

    func testStatusMergePatchTouchesOnlyStatus() async throws {
        let client = try await cluster().client
        _ = try await client.apply(EmulatorCluster.fabricCRD)
        let applied = try await client.apply(EmulatorCluster.fabric("dc1"))
        let status: Value = .object(Object([("syncStatus", "in_sync"), ("observedGeneration", .int(1))]))
        let patched = try await client.patchStatus(apiVersion: "wiring.githedgehog.com/v1alpha2", kind: "Fabric", name: "dc1", status: status)
        XCTAssertEqual(patched["status"], status)
        XCTAssertEqual(patched.value(at: "metadata", "generation"), applied.value(at: "metadata", "generation"), "status writes do not bump generation")
        let spec = try await client.mergePatch(apiVersion: "wiring.githedgehog.com/v1alpha2", kind: "Fabric", name: "dc1",
                                               patch: .object(Object([("spec", .object(Object([("asn", .int(65001))]))), ("status", .null)])))
        XCTAssertEqual(spec.value(at: "spec", "asn"), .int(65001))
        XCTAssertEqual(spec["status"], status, "a patch of the main resource leaves status alone")
    }

    func testDryRunWritesNothing() async throws {
        let cluster = try await cluster()
        let client = cluster.client
        let created = try await client.create(EmulatorCluster.configMap("dry"), dryRun: true)
        XCTAssertEqual(created.value(at: "metadata", "name"), "dry")
        let applied = try await client.apply(EmulatorCluster.configMap("dry-applied"), dryRun: true)
        XCTAssertEqual(applied.value(at: "data", "k"), "v")
        let createdAbsent = try await client.getIfPresent(apiVersion: "v1", kind: "ConfigMap", name: "dry")
        let appliedAbsent = try await client.getIfPresent(apiVersion: "v1", kind: "ConfigMap", name: "dry-applied")
        XCTAssertNil(createdAbsent)
        XCTAssertNil(appliedAbsent)
        _ = try await client.create(EmulatorCluster.configMap("kept"))
        _ = try await client.delete(apiVersion: "v1", kind: "ConfigMap", name: "kept", dryRun: true)
        let kept = try await client.getIfPresent(apiVersion: "v1", kind: "ConfigMap", name: "kept")
        XCTAssertNotNil(kept)
    }

    func testEventsAreRecordedAboutAnObject() async throws {
        let client = try await cluster().client
        _ = try await client.apply(EmulatorCluster.fabricCRD)
        let fabric = try await client.apply(EmulatorCluster.fabric("dc1"))
        try await client.recordEvent(about: fabric, type: .normal, reason: "ReconciliationSucceeded", message: "applied 3 objects")
        let events = try await client.list(apiVersion: "v1", kind: "Event")
        XCTAssertEqual(events.items.count, 1)
        let event = try XCTUnwrap(events.items.first)
        XCTAssertEqual(event.value(at: "involvedObject", "kind"), "Fabric")
        XCTAssertEqual(event.value(at: "involvedObject", "name"), "dc1")
        XCTAssertEqual(event.value(at: "involvedObject", "uid"), fabric.value(at: "metadata", "uid"))
        XCTAssertEqual(event["reason"], "ReconciliationSucceeded")
        XCTAssertEqual(event["type"], "Normal")
    }

    func testLeasesAreCreatedReadAndUpdatedWithOptimisticConcurrency() async throws {
        let client = try await cluster().client
        let absent = try await client.getLease(namespace: "default", name: "fabricsync-leader")
        XCTAssertNil(absent)
        let now = Lease.microTime(Date())
        let created = try await client.createLease(Lease(namespace: "default", name: "fabricsync-leader", holderIdentity: "pod-a",
                                                         leaseDurationSeconds: 15, acquireTime: now, renewTime: now))
        XCTAssertEqual(created.holderIdentity, "pod-a")
        var renewed = created
        renewed.renewTime = Lease.microTime(Date().addingTimeInterval(2))
        let afterRenew = try await client.updateLease(renewed)
        XCTAssertEqual(afterRenew.renewTime, renewed.renewTime)
        var stale = created
        stale.holderIdentity = "pod-b"
        do {
            _ = try await client.updateLease(stale)
            XCTFail("a stale lease overwrote a newer one")
        } catch {
            XCTAssertTrue(error.isConflict, error.description)
        }
        let read = try await client.getLease(namespace: "default", name: "fabricsync-leader")
        XCTAssertEqual(read?.holderIdentity, "pod-a")
    }
}
