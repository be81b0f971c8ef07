import FabricValue
import Foundation
import XCTest

/// `kubectl kustomize manifests/` renders offline, and the plain-files fallback the other manifest tests use where
/// kubectl is absent reads exactly the objects kubectl renders (the base has no patches, generators or remote bases).
final class KustomizeRenderTests: XCTestCase {
    func testKubectlRendersTheSameObjectsAsTheFilesHold() throws {
        guard RenderedManifests.kubectl != nil else { throw XCTSkip("kubectl is not installed") }
        let rendered = try RenderedManifests.objects()
        let files = try RenderedManifests.filesObjects(in: RenderedManifests.folder)
        func key(_ object: Value) -> String {
            "\(object["kind"]?.stringValue ?? "")/\(object.value(at: "metadata", "namespace")?.stringValue ?? "")/\(object.name)"
        }
        XCTAssertEqual(rendered.map(key).sorted(), files.map(key).sorted())
        let byKey = Dictionary(files.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
        for object in rendered {
            XCTAssertEqual(object, byKey[key(object)], key(object))
        }
        // Every object has what an apply needs.
        for object in rendered {
            XCTAssertNotNil(object["apiVersion"]?.stringValue, key(object))
            XCTAssertFalse(object.name.isEmpty, key(object))
        }
    }
}
