import XCTest
import Foundation
import FabricValue
@testable import KubeEmulator

/// Discovery, version and OpenAPI as clients read them.
final class DiscoveryTests: XCTestCase {
    func testLegacyAndAggregatedDiscoveryListCustomResources() async throws {
        let harness = try await EmulatorHarness()
        let store = harness.emulator.store
        _ = try store.create(store.type("customresourcedefinitions"), namespace: nil, body: fabricCRD, options: writer)

        let groups = try await harness.request("GET", "/apis")
        let names = groups.json["groups"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        XCTAssertTrue(names.contains("wiring.githedgehog.com"), "\(names)")
        XCTAssertTrue(names.contains("coordination.k8s.io"))

        let resources = try await harness.request("GET", "/apis/wiring.githedgehog.com/v1alpha2")
        let listed = resources.json["resources"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        XCTAssertEqual(listed, ["fabrics", "fabrics/status"])
        XCTAssertEqual(resources.json["resources"]?.arrayValue?.first?["shortNames"], ["fab"])

        let aggregated = try await harness.request("GET", "/apis", headers: ["Accept": Discovery.aggregatedContentType + ",application/json"])
        XCTAssertEqual(aggregated.headers["content-type"], Discovery.aggregatedContentType)
        let group = aggregated.json["items"]?.arrayValue?.first { $0.value(at: "metadata", "name") == "wiring.githedgehog.com" }
        let resource = group?["versions"]?.arrayValue?.first?["resources"]?.arrayValue?.first
        XCTAssertEqual(resource?["resource"], "fabrics")
        XCTAssertEqual(resource?["scope"], "Namespaced")
        XCTAssertEqual(resource?["subresources"]?.arrayValue?.first?["subresource"], "status")

        let single = try await harness.request("GET", "/apis/wiring.githedgehog.com")
        XCTAssertEqual(single.json["kind"], "APIGroup")
        XCTAssertEqual(single.json.value(at: "preferredVersion", "version"), "v1alpha2")

        let core = try await harness.request("GET", "/api")
        XCTAssertEqual(core.json["versions"], ["v1"])
        await harness.stop()
    }

    func testVersionReportsKubernetes132() async throws {
        let harness = try await EmulatorHarness()
        let version = try await harness.request("GET", "/version")
        XCTAssertEqual(version.json["major"], "1")
        XCTAssertEqual(version.json["minor"], "32")
        XCTAssertTrue(version.json["gitVersion"]?.stringValue?.hasPrefix("v1.32.") == true)
        await harness.stop()
    }

    func testOpenAPIV3AdvertisesFieldValidationOnPatch() async throws {
        let harness = try await EmulatorHarness()
        let store = harness.emulator.store
        _ = try store.create(store.type("customresourcedefinitions"), namespace: nil, body: fabricCRD, options: writer)
        let index = try await harness.request("GET", "/openapi/v3")
        guard let relative = index.json.value(at: "paths", "apis/wiring.githedgehog.com/v1alpha2", "serverRelativeURL")?.stringValue else {
            return XCTFail("no entry for the CRD's group version: \(index.text)")
        }
        let document = try await harness.request("GET", relative)
        let patch = document.json.value(at: "paths", "/apis/wiring.githedgehog.com/v1alpha2/namespaces/{namespace}/fabrics/{name}", "patch")
        XCTAssertEqual(patch?["x-kubernetes-group-version-kind"], ["group": "wiring.githedgehog.com", "version": "v1alpha2", "kind": "Fabric"])
        XCTAssertTrue(patch?["parameters"]?.arrayValue?.contains { $0["name"] == "fieldValidation" && $0["in"] == "query" } == true)
        let schema = document.json.value(at: "components", "schemas", "com.githedgehog.wiring.v1alpha2.Fabric")
        XCTAssertEqual(schema?.value(at: "properties", "spec", "properties", "asn", "minimum"), 1)
        await harness.stop()
    }

    func testTablesUsePrinterColumns() async throws {
        let harness = try await EmulatorHarness()
        let store = harness.emulator.store
        _ = try store.create(store.type("customresourcedefinitions"), namespace: nil, body: fabricCRD, options: writer)
        _ = try store.create(store.type("fabrics"), namespace: "default", body: fabric(), options: writer)
        _ = try store.patch(store.type("fabrics"), namespace: "default", name: "dc1",
                            patch: ["status": ["conditions": [["type": "Ready", "status": "True"]]]], patchType: .merge, subresource: "status", options: writer)
        let table = try await harness.request("GET", "/apis/wiring.githedgehog.com/v1alpha2/namespaces/default/fabrics",
                                              headers: ["Accept": "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"])
        XCTAssertEqual(table.json["kind"], "Table")
        XCTAssertEqual(table.json["columnDefinitions"]?.arrayValue?.compactMap { $0["name"]?.stringValue }, ["Name", "ASN", "Ready"])
        XCTAssertEqual(table.json["rows"]?.arrayValue?.first?["cells"], ["dc1", 65000, "True"])
        XCTAssertEqual(table.json["rows"]?.arrayValue?.first?.value(at: "object", "kind"), "PartialObjectMetadata")
        await harness.stop()
    }

    func testDryRunOverHTTPStoresNothing() async throws {
        let harness = try await EmulatorHarness()
        let before = harness.emulator.store.currentResourceVersion
        let created = try await harness.request("POST", "/api/v1/namespaces/default/configmaps?dryRun=All", body: configMap("dry"))
        XCTAssertEqual(created.status, 201)
        let missing = try await harness.request("GET", "/api/v1/namespaces/default/configmaps/dry")
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(harness.emulator.store.currentResourceVersion, before)
        await harness.stop()
    }

    func testUnknownFieldWarningHeader() async throws {
        let harness = try await EmulatorHarness()
        let store = harness.emulator.store
        _ = try store.create(store.type("customresourcedefinitions"), namespace: nil, body: fabricCRD, options: writer)
        let response = try await harness.request("POST", "/apis/wiring.githedgehog.com/v1alpha2/namespaces/default/fabrics?fieldValidation=Warn",
                                                 body: fabric(spec: ["asn": 1, "colour": "blue"]))
        XCTAssertEqual(response.status, 201)
        XCTAssertEqual(response.headers["warning"], #"299 - "unknown field \"spec.colour\"""#)
        await harness.stop()
    }
}
