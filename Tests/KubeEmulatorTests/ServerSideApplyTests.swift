import XCTest
import FabricValue
@testable import KubeEmulator

/// Server-side apply with managedFields-lite: ownership, removal, conflicts, force.
final class ServerSideApplyTests: XCTestCase {
    let applier = WriteOptions(fieldManager: "fabricsync", fieldValidation: .strict)

    func apply(_ store: EmulatorStore, _ body: Value, as options: WriteOptions? = nil) throws -> WriteResult {
        try store.patch(store.type("fabrics"), namespace: "default", name: "dc1", patch: body, patchType: .apply, options: options ?? applier)
    }

    func testApplyCreatesAMissingObjectAndRecordsOwnership() throws {
        let store = try storeWithFabrics()
        let result = try apply(store, fabric(spec: ["asn": 65000, "sync": ["prune": true]]))
        XCTAssertEqual(result.code, 201)
        let entries = result.object.value(at: "metadata", "managedFields")?.arrayValue ?? []
        XCTAssertEqual(entries.count, 1)
        XCTAssertEqual(entries.first?["manager"], "fabricsync")
        XCTAssertEqual(entries.first?["operation"], "Apply")
        XCTAssertEqual(entries.first?["fieldsType"], "FieldsV1")
        XCTAssertEqual(entries.first?["apiVersion"], "wiring.githedgehog.com/v1alpha2")
        XCTAssertEqual(entries.first?["fieldsV1"], ["f:spec": ["f:asn": [:], "f:sync": ["f:prune": [:]]]])
    }

    func testReapplyingTheSameConfigurationWritesNothing() throws {
        let store = try storeWithFabrics()
        let first = try apply(store, fabric()).object
        let second = try apply(store, fabric())
        XCTAssertEqual(second.code, 200)
        XCTAssertEqual(second.object.resourceVersion, first.resourceVersion)
    }

    func testFieldsOmittedByTheirOnlyManagerAreRemoved() throws {
        let store = try storeWithFabrics()
        _ = try apply(store, fabric(spec: ["asn": 65000, "description": "main", "sync": ["prune": true]]))
        let second = try apply(store, fabric(spec: ["asn": 65000])).object
        XCTAssertNil(second.value(at: "spec", "description"))
        XCTAssertNil(second.value(at: "spec", "sync", "prune"))
        XCTAssertEqual(second.value(at: "spec", "sync", "interval"), 300, "server defaults stay")
        XCTAssertEqual(second.generation, 2)
    }

    func testFieldsAlsoOwnedByAnotherManagerStay() throws {
        let store = try storeWithFabrics()
        _ = try apply(store, fabric(spec: ["asn": 65000, "description": "shared"]))
        _ = try apply(store, fabric(spec: ["asn": 65000, "description": "shared"]), as: WriteOptions(fieldManager: "other"))
        let after = try apply(store, fabric(spec: ["asn": 65000])).object
        XCTAssertEqual(after.value(at: "spec", "description"), "shared")
    }

    func testAnotherApplierWithADifferentValueConflicts() throws {
        let store = try storeWithFabrics()
        _ = try apply(store, fabric(spec: ["asn": 65000]))
        assertAPIError(try apply(store, fabric(spec: ["asn": 65001]), as: WriteOptions(fieldManager: "kubectl")), code: 409, reason: "Conflict") { error in
            XCTAssertEqual(error.message, "Apply failed with 1 conflict: conflict with \"fabricsync\": .spec.asn")
            XCTAssertEqual(error.causes, [APIError.Cause(reason: "FieldManagerConflict", message: "conflict with \"fabricsync\"", field: ".spec.asn")])
        }
    }

    func testSeveralConflictsAreListedByManager() throws {
        let store = try storeWithFabrics()
        _ = try apply(store, fabric(spec: ["asn": 1, "spineCount": 2]))
        assertAPIError(try apply(store, fabric(spec: ["asn": 2, "spineCount": 3]), as: WriteOptions(fieldManager: "kubectl")), code: 409, reason: "Conflict") { error in
            XCTAssertEqual(error.message, "Apply failed with 2 conflicts: conflicts with \"fabricsync\":\n- .spec.asn\n- .spec.spineCount")
            XCTAssertEqual(error.causes.map(\.field), [".spec.asn", ".spec.spineCount"])
        }
    }

    func testAnUpdateByPatchMakesItsWriterAnOwnerThatApplyConflictsWith() throws {
        let store = try storeWithFabrics()
        _ = try apply(store, fabric(spec: ["asn": 65000]))
        _ = try store.patch(store.type("fabrics"), namespace: "default", name: "dc1", patch: ["spec": ["asn": 65010]], patchType: .merge,
                            options: WriteOptions(fieldManager: "kubectl-edit"))
        assertAPIError(try apply(store, fabric(spec: ["asn": 65000])), code: 409, reason: "Conflict") { error in
            XCTAssertEqual(error.causes.first?.message, "conflict with \"kubectl-edit\" using wiring.githedgehog.com/v1alpha2")
        }
        let forced = try apply(store, fabric(spec: ["asn": 65000]), as: WriteOptions(fieldManager: "fabricsync", force: true)).object
        XCTAssertEqual(forced.value(at: "spec", "asn"), 65000)
        let managers = (forced.value(at: "metadata", "managedFields")?.arrayValue ?? []).compactMap { $0["manager"]?.stringValue }
        XCTAssertEqual(managers, ["fabricsync"], "force moved the field; the editor owns nothing any more")
    }

    func testUnannotatedListsOfCustomResourcesAreAtomicEvenWithNames() throws {
        let store = try storeWithFabrics()
        _ = try apply(store, fabric(spec: ["asn": 1, "links": [["name": "a", "speed": "1G"]]]))
        assertAPIError(try apply(store, fabric(spec: ["asn": 1, "links": [["name": "b", "speed": "1G"]]]), as: WriteOptions(fieldManager: "other")),
                       code: 409, reason: "Conflict") { error in
            XCTAssertEqual(error.causes.first?.field, ".spec.links")
        }
    }

    func testBuiltInListsOfNamedObjectsMergeByName() throws {
        let store = EmulatorStore()
        let pods = store.type("pods")
        func pod(_ containers: Value) -> Value { ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": "p"], "spec": ["containers": containers]] }
        _ = try store.patch(pods, namespace: "default", name: "p", patch: pod([["name": "app", "image": "a:1"]]), patchType: .apply, options: WriteOptions(fieldManager: "one"))
        let merged = try store.patch(pods, namespace: "default", name: "p", patch: pod([["name": "sidecar", "image": "s:1"]]), patchType: .apply, options: WriteOptions(fieldManager: "two")).object
        XCTAssertEqual(merged.value(at: "spec", "containers")?.arrayValue?.compactMap { $0["name"]?.stringValue }, ["app", "sidecar"])
    }

    func testListsKeyedByNameMergeByKey() throws {
        let store = try storeWithFabrics()
        _ = try apply(store, fabric(spec: ["asn": 1, "ports": [["name": "E1/1", "speed": "25G"]]]))
        let merged = try apply(store, fabric(spec: ["asn": 1, "ports": [["name": "E1/2", "speed": "100G"]]]), as: WriteOptions(fieldManager: "other")).object
        XCTAssertEqual(merged.value(at: "spec", "ports")?.arrayValue?.count, 2)
        let fields = merged.value(at: "metadata", "managedFields")?.arrayValue?.last?["fieldsV1"]
        XCTAssertEqual(fields, ["f:spec": ["f:asn": [:], "f:ports": ["k:{\"name\":\"E1/2\"}": [".": [:], "f:name": [:], "f:speed": [:]]]]])
        let pruned = try apply(store, fabric(spec: ["asn": 1])).object
        XCTAssertEqual(pruned.value(at: "spec", "ports"), [["name": "E1/2", "speed": "100G"]], "the first manager's item left with it")
    }

    func testOtherListsAreAtomic() throws {
        let store = try storeWithFabrics()
        _ = try apply(store, fabric(spec: ["asn": 1, "tags": ["a", "b"]]))
        let after = try apply(store, fabric(spec: ["asn": 1, "tags": ["c"]])).object
        XCTAssertEqual(after.value(at: "spec", "tags"), ["c"])
    }

    func testApplyNeedsAFieldManager() throws {
        let store = try storeWithFabrics()
        assertAPIError(try apply(store, fabric(), as: WriteOptions()), code: 422, reason: "Invalid") { error in
            XCTAssertEqual(error.message, "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch")
            XCTAssertEqual(error.kind, "PatchOptions")
        }
        assertAPIError(try store.patch(store.type("fabrics"), namespace: "default", name: "dc1", patch: [:], patchType: .merge,
                                       options: WriteOptions(force: true)), code: 422, reason: "Invalid")
    }

    func testAppliedConfigurationsMayNotCarryManagedFields() throws {
        let store = try storeWithFabrics()
        var body = fabric()
        body["metadata"]?["managedFields"] = [["manager": "x"]]
        assertAPIError(try apply(store, body), code: 400, reason: "BadRequest") { error in
            XCTAssertEqual(error.message, "metadata.managedFields must be nil")
        }
    }

    func testFinalizersAreASetEachManagerOwningItsOwn() throws {
        let store = try storeWithFabrics()
        func withFinalizers(_ names: [String]) -> Value {
            var body = fabric()
            body["metadata"]?["finalizers"] = .array(names.map(Value.string))
            return body
        }
        _ = try apply(store, withFinalizers(["fabric.githedgehog.com/finalizer"]), as: WriteOptions(fieldManager: "fabricsync", force: true))
        let both = try apply(store, withFinalizers(["example.com/backup"]), as: WriteOptions(fieldManager: "backup")).object
        XCTAssertEqual(both.value(at: "metadata", "finalizers"), ["fabric.githedgehog.com/finalizer", "example.com/backup"], "no conflict: a set merges")
        let fieldsOfBackup = both.value(at: "metadata", "managedFields")?.arrayValue?.first { $0["manager"] == "backup" }?["fieldsV1"]
        XCTAssertEqual(fieldsOfBackup, ["f:metadata": ["f:finalizers": ["v:\"example.com/backup\"": [:]]], "f:spec": ["f:asn": [:]]])
        let afterRelease = try apply(store, fabric(), as: WriteOptions(fieldManager: "fabricsync", force: true)).object
        XCTAssertEqual(afterRelease.value(at: "metadata", "finalizers"), ["example.com/backup"], "only the releasing manager's finalizer went")
    }

    func testApplyToStatusOwnsOnlyStatus() throws {
        let store = try storeWithFabrics()
        _ = try apply(store, fabric())
        var body = fabric(spec: ["asn": 5])
        body["status"] = ["syncStatus": "in_sync"]
        let result = try store.patch(store.type("fabrics"), namespace: "default", name: "dc1", patch: body, patchType: .apply,
                                     subresource: "status", options: WriteOptions(fieldManager: "fabricsync-status")).object
        XCTAssertEqual(result.value(at: "status", "syncStatus"), "in_sync")
        XCTAssertEqual(result.value(at: "spec", "asn"), 65000)
        let statusEntry = result.value(at: "metadata", "managedFields")?.arrayValue?.first { $0["subresource"] == "status" }
        XCTAssertEqual(statusEntry?["fieldsV1"], ["f:status": ["f:syncStatus": [:]]])
    }

    func testLabelsAppliedAndThenOmittedAreRemoved() throws {
        let store = EmulatorStore()
        let configmaps = store.type("configmaps")
        _ = try store.patch(configmaps, namespace: "default", name: "c", patch: configMap("c", labels: ["a": "1", "b": "2"]), patchType: .apply, options: applier)
        let after = try store.patch(configmaps, namespace: "default", name: "c", patch: configMap("c", labels: ["a": "1"]), patchType: .apply, options: applier).object
        XCTAssertEqual(after.value(at: "metadata", "labels"), ["a": "1"])
    }
}
