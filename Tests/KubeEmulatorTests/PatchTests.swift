import XCTest
import FabricValue
@testable import KubeEmulator

/// JSON merge patch (RFC 7386), JSON patch (RFC 6902) and strategic merge patch.
final class PatchTests: XCTestCase {
    func testMergePatchFollowsRFC7386() {
        let cases: [(Value, Value, Value)] = [
            (["a": "b"], ["a": "c"], ["a": "c"]),
            (["a": "b"], ["b": "c"], ["a": "b", "b": "c"]),
            (["a": "b"], ["a": nil], [:]),
            (["a": "b", "b": "c"], ["a": nil], ["b": "c"]),
            (["a": ["b"]], ["a": "c"], ["a": "c"]),
            (["a": "c"], ["a": ["b"]], ["a": ["b"]]),
            (["a": ["b": "c"]], ["a": ["b": "d", "c": nil]], ["a": ["b": "d"]]),
            (["a": [["b": "c"]]], ["a": [1]], ["a": [1]]),
            (["e": nil], ["a": 1], ["e": nil, "a": 1]),
            ([:], ["a": ["bb": ["ccc": nil]]], ["a": ["bb": [:]]]),
        ]
        for (target, patch, expected) in cases {
            XCTAssertEqual(MergePatch.apply(patch, to: target), expected, "\(target) + \(patch)")
        }
    }

    func testJSONPatchOperations() throws {
        let document: Value = ["spec": ["tags": ["a", "b"], "asn": 1], "metadata": ["labels": ["x/y": "1"]]]
        let cases: [(Value, Value)] = [
            ([["op": "add", "path": "/spec/tags/1", "value": "z"]], ["spec": ["tags": ["a", "z", "b"], "asn": 1], "metadata": ["labels": ["x/y": "1"]]]),
            ([["op": "add", "path": "/spec/tags/-", "value": "z"]], ["spec": ["tags": ["a", "b", "z"], "asn": 1], "metadata": ["labels": ["x/y": "1"]]]),
            ([["op": "remove", "path": "/spec/tags/0"]], ["spec": ["tags": ["b"], "asn": 1], "metadata": ["labels": ["x/y": "1"]]]),
            ([["op": "replace", "path": "/spec/asn", "value": 2]], ["spec": ["tags": ["a", "b"], "asn": 2], "metadata": ["labels": ["x/y": "1"]]]),
            ([["op": "move", "from": "/spec/asn", "path": "/spec/number"]], ["spec": ["tags": ["a", "b"], "number": 1], "metadata": ["labels": ["x/y": "1"]]]),
            ([["op": "copy", "from": "/spec/asn", "path": "/spec/number"]], ["spec": ["tags": ["a", "b"], "asn": 1, "number": 1], "metadata": ["labels": ["x/y": "1"]]]),
            ([["op": "remove", "path": "/metadata/labels/x~1y"]], ["spec": ["tags": ["a", "b"], "asn": 1], "metadata": ["labels": [:]]]),
            ([["op": "test", "path": "/spec/asn", "value": 1], ["op": "replace", "path": "/spec/asn", "value": 3]], ["spec": ["tags": ["a", "b"], "asn": 3], "metadata": ["labels": ["x/y": "1"]]]),
        ]
        for (patch, expected) in cases {
            XCTAssertEqual(try JSONPatch.apply(patch, to: document), expected, "\(patch)")
        }
    }

    func testFailingJSONPatchesAreRefused() {
        let document: Value = ["spec": ["asn": 1]]
        for patch: Value in [
            [["op": "test", "path": "/spec/asn", "value": 2]],
            [["op": "remove", "path": "/spec/missing"]],
            [["op": "replace", "path": "/nope/x", "value": 1]],
            [["op": "jump", "path": "/spec"]],
            ["op": "add"],
        ] {
            XCTAssertThrowsError(try JSONPatch.apply(patch, to: document), "\(patch)")
        }
    }

    func testStrategicMergePatchIsRefusedForCustomResourcesWith415() throws {
        let store = try storeWithFabrics()
        _ = try store.create(store.type("fabrics"), namespace: "default", body: fabric(), options: writer)
        assertAPIError(try store.patch(store.type("fabrics"), namespace: "default", name: "dc1", patch: ["spec": ["asn": 2]], patchType: .strategicMerge, options: writer),
                       code: 415, reason: "UnsupportedMediaType")
    }

    func testStrategicMergePatchWorksOnBuiltIns() throws {
        let store = EmulatorStore()
        _ = try store.create(store.type("configmaps"), namespace: "default", body: configMap("c"), options: writer)
        let patched = try store.patch(store.type("configmaps"), namespace: "default", name: "c", patch: ["data": ["b": "2"]], patchType: .strategicMerge, options: writer).object
        XCTAssertEqual(patched["data"], ["a": "1", "b": "2"])
    }

    func testStrategicMergeDirectivesAreNotStored() {
        let target: Value = ["spec": ["containers": [["name": "a"]], "volumes": [["name": "v"]]], "metadata": ["labels": ["x": "1"]]]
        let patch: Value = ["spec": ["$setElementOrder/containers": [["name": "a"]], "containers": [["name": "a", "image": "i"]], "volumes": ["$patch": "delete"]],
                            "metadata": ["$retainKeys": ["labels"]]]
        XCTAssertEqual(StrategicMergePatch.apply(patch, to: target), ["spec": ["containers": [["name": "a", "image": "i"]]], "metadata": ["labels": ["x": "1"]]])
    }

    func testPatchingAMissingObjectIsNotFound() throws {
        let store = EmulatorStore()
        assertAPIError(try store.patch(store.type("configmaps"), namespace: "default", name: "x", patch: [:], patchType: .merge, options: writer), code: 404, reason: "NotFound")
    }

    func testPatchedCustomResourcesAreValidated() throws {
        let store = try storeWithFabrics()
        _ = try store.create(store.type("fabrics"), namespace: "default", body: fabric(), options: writer)
        assertAPIError(try store.patch(store.type("fabrics"), namespace: "default", name: "dc1", patch: [["op": "replace", "path": "/spec/asn", "value": 0]], patchType: .json, options: writer),
                       code: 422, reason: "Invalid")
    }
}
