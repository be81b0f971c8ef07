import XCTest
import FabricValue
@testable import KubeEmulator

/// LIST: selectors, namespaces, paging with limit/continue, the list's resourceVersion.
final class ListTests: XCTestCase {
    func testPagingWithLimitAndContinueVisitsEveryObjectOnce() throws {
        let store = EmulatorStore()
        let configmaps = store.type("configmaps")
        for index in 0..<7 { _ = try store.create(configmaps, namespace: "default", body: configMap("c\(index)"), options: writer) }
        var seen: [String] = []
        var token: String?
        var pages = 0
        repeat {
            let page = try store.list(configmaps, namespace: "default", options: ListOptions(limit: 3, continueToken: token))
            seen += (page["items"]?.arrayValue ?? []).compactMap { $0.value(at: "metadata", "name")?.stringValue }
            token = page.value(at: "metadata", "continue")?.stringValue
            if token != nil { XCTAssertEqual(page.value(at: "metadata", "remainingItemCount")?.intValue, Int64(7 - 3 * (pages + 1))) }
            pages += 1
        } while token != nil
        XCTAssertEqual(pages, 3)
        XCTAssertEqual(seen, (0..<7).map { "c\($0)" })
    }

    func testPagingWithASelectorGivesNoRemainingCount() throws {
        let store = EmulatorStore()
        let configmaps = store.type("configmaps")
        for index in 0..<6 {
            _ = try store.create(configmaps, namespace: "default", body: configMap("c\(index)", labels: ["even": index % 2 == 0 ? "yes" : "no"]), options: writer)
        }
        let page = try store.list(configmaps, namespace: "default", options: ListOptions(labelSelector: try LabelSelector(parsing: "even=yes"), limit: 1))
        XCTAssertEqual(page["items"]?.arrayValue?.count, 1)
        XCTAssertNil(page.value(at: "metadata", "remainingItemCount"))
        XCTAssertNotNil(page.value(at: "metadata", "continue"))
    }

    func testListCarriesKindVersionAndTheClusterResourceVersion() throws {
        let store = EmulatorStore()
        let list = try store.list(store.type("namespaces"), namespace: nil)
        XCTAssertEqual(list["kind"], "NamespaceList")
        XCTAssertEqual(list["apiVersion"], "v1")
        XCTAssertEqual(list.value(at: "metadata", "resourceVersion")?.stringValue, String(store.currentResourceVersion))
        XCTAssertEqual(list["items"]?.arrayValue?.count, 4)
    }

    func testLabelSelectorAndNamespaceFilter() throws {
        let store = EmulatorStore()
        let configmaps = store.type("configmaps")
        _ = try store.create(configmaps, namespace: "default", body: configMap("a", labels: ["fabric": "dc1"]), options: writer)
        _ = try store.create(configmaps, namespace: "default", body: configMap("b", labels: ["fabric": "dc2"]), options: writer)
        _ = try store.create(configmaps, namespace: "kube-system", body: configMap("c", namespace: "kube-system", labels: ["fabric": "dc1"]), options: writer)
        let selected = try store.list(configmaps, namespace: nil, options: ListOptions(labelSelector: try LabelSelector(parsing: "fabric=dc1")))
        XCTAssertEqual(selected["items"]?.arrayValue?.compactMap { $0.value(at: "metadata", "name")?.stringValue }, ["a", "c"])
        let inDefault = try store.list(configmaps, namespace: "default")
        XCTAssertEqual(inDefault["items"]?.arrayValue?.count, 2)
    }

    func testABadContinueTokenIsABadRequest() {
        let store = EmulatorStore()
        assertAPIError(try store.list(store.type("configmaps"), namespace: nil, options: ListOptions(continueToken: "%%%")), code: 400, reason: "BadRequest")
    }
}
