import FabricValue
import KubeClient
import XCTest

/// Kind → REST path from APIResourceLists, cached and refreshed when a kind is unknown.
final class DiscoveryTests: XCTestCase {
    static let coreV1 = #"""
        {"kind":"APIResourceList","groupVersion":"v1","resources":[
          {"name":"configmaps","singularName":"configmap","namespaced":true,"kind":"ConfigMap","verbs":["create","delete","get","list","patch","update","watch"]},
          {"name":"namespaces","singularName":"namespace","namespaced":false,"kind":"Namespace","verbs":["create","get","list"]},
          {"name":"namespaces/status","singularName":"","namespaced":false,"kind":"Namespace","verbs":["get","patch","update"]},
          {"name":"pods","namespaced":true,"kind":"Pod","verbs":["get"]},
          {"name":"pods/log","namespaced":true,"kind":"Pod","verbs":["get"]},
          {"name":"pods/status","namespaced":true,"kind":"Pod","verbs":["get"]}]}
        """#
    static let wiring = #"""
        {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"wiring.githedgehog.com/v1beta1","resources":[
          {"name":"switches","singularName":"switch","namespaced":true,"kind":"Switch","verbs":["get","list","watch","patch"]},
          {"name":"switches/status","singularName":"","namespaced":true,"kind":"Switch","verbs":["get","patch"]}]}
        """#

    func testParsesCoreAndGroupListsFoldingSubresources() throws {
        let core = try APIResource.parseList(try JSONReader.parse(Self.coreV1))
        XCTAssertEqual(core.map(\.kind), ["ConfigMap", "Namespace", "Pod"])
        XCTAssertEqual(core[1], APIResource(group: "", version: "v1", kind: "Namespace", name: "namespaces", namespaced: false,
                                            verbs: ["create", "get", "list"], subresources: ["status"]))
        XCTAssertEqual(core[2].subresources, ["log", "status"])
        let group = try APIResource.parseList(try JSONReader.parse(Self.wiring))
        XCTAssertEqual(group.first?.groupVersionKind, GroupVersionKind(apiVersion: "wiring.githedgehog.com/v1beta1", kind: "Switch"))
        XCTAssertThrowsError(try APIResource.parseList(try JSONReader.parse(#"{"kind":"Status"}"#)))
    }

    func testPathsForNamespacedAndClusterScopedResources() throws {
        let sw = APIResource(group: "wiring.githedgehog.com", version: "v1beta1", kind: "Switch", name: "switches", namespaced: true)
        let ns = APIResource(group: "", version: "v1", kind: "Namespace", name: "namespaces", namespaced: false)
        let cases: [(String, String)] = [
            (sw.path(namespace: "default"), "/apis/wiring.githedgehog.com/v1beta1/namespaces/default/switches"),
            (sw.path(), "/apis/wiring.githedgehog.com/v1beta1/switches"),
            (sw.path(namespace: "default", name: "leaf-1"), "/apis/wiring.githedgehog.com/v1beta1/namespaces/default/switches/leaf-1"),
            (sw.path(namespace: "default", name: "leaf-1", subresource: "status"), "/apis/wiring.githedgehog.com/v1beta1/namespaces/default/switches/leaf-1/status"),
            (ns.path(namespace: "ignored", name: "fab"), "/api/v1/namespaces/fab"),
            (sw.path(namespace: "default", name: "odd name/x"), "/apis/wiring.githedgehog.com/v1beta1/namespaces/default/switches/odd%20name%2Fx"),
        ]
        for (actual, expected) in cases { XCTAssertEqual(actual, expected) }
    }

    func testAnUnknownKindRefreshesItsGroupVersionOnce() async throws {
        let served = Served()
        let cache = DiscoveryCache { path in
            served.fetched(path)
            switch path {
            case "/api/v1": return try JSONReader.parse(Self.coreV1)
            case "/apis/wiring.githedgehog.com/v1beta1":
                // (Value is itself nil-literal convertible: say which nil is meant.)
                return served.crdInstalled ? try JSONReader.parse(Self.wiring) : Optional<Value>.none
            default: return nil
            }
        }
        let configMap = try await cache.resource(for: GroupVersionKind(apiVersion: "v1", kind: "ConfigMap"))
        XCTAssertEqual(configMap.name, "configmaps")
        _ = try await cache.resource(for: GroupVersionKind(apiVersion: "v1", kind: "Namespace"))
        XCTAssertEqual(served.paths, ["/api/v1"], "the second kind of v1 came from the cache")

        let switchKind = GroupVersionKind(apiVersion: "wiring.githedgehog.com/v1beta1", kind: "Switch")
        do {
            _ = try await cache.resource(for: switchKind)
            XCTFail("a kind whose CRD is missing was found")
        } catch let error as DiscoveryError {
            XCTAssertTrue(error.message.contains("does not serve Switch in wiring.githedgehog.com/v1beta1"), error.message)
        }
        served.crdInstalled = true
        let sw = try await cache.resource(for: switchKind)
        XCTAssertEqual(sw.path(namespace: "default"), "/apis/wiring.githedgehog.com/v1beta1/namespaces/default/switches")
        XCTAssertEqual(served.paths, ["/api/v1", "/apis/wiring.githedgehog.com/v1beta1", "/apis/wiring.githedgehog.com/v1beta1"])
    }
}

private final class Served: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    private var installed = false
    var crdInstalled: Bool {
        get { lock.withLock { installed } }
        set { lock.withLock { installed = newValue } }
    }
    var paths: [String] { lock.withLock { list } }
    func fetched(_ path: String) { lock.withLock { list.append(path) } }
}
