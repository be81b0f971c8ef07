@testable import FabricSource
import FabricValue
import FabricYAML
import XCTest

/// The folder rule: which Fabric owns which document, and the problems only
/// visible across documents (duplicates, two owners, orphans, two Fabrics).
final class OwnershipTests: XCTestCase {
    func fabric(_ name: String, _ file: String, namespace: String = "hedgehog-system", target: String = "default") -> YAMLDocument {
        document(#"{"apiVersion":"wiring.githedgehog.com/v1alpha2","kind":"Fabric","metadata":{"name":"\#(name)","namespace":"\#(namespace)"},"spec":{"sync":{"targetNamespace":"\#(target)"}}}"#, file: file)
    }

    func member(_ name: String, _ file: String, namespace: String? = nil, index: Int = 0, kind: String = "Switch") -> YAMLDocument {
        let ns = namespace.map { #","namespace":"\#($0)""# } ?? ""
        return document(#"{"apiVersion":"wiring.githedgehog.com/v1beta1","kind":"\#(kind)","metadata":{"name":"\#(name)"\#(ns)}}"#, file: file, index: index)
    }

    func assemble(_ documents: [YAMLDocument], failed: [String] = []) -> (fabrics: [FabricSource], issues: [ValidationIssue]) {
        var files: [String: [YAMLDocument]] = [:]
        for doc in documents { files[doc.file, default: []].append(doc) }
        let sourceFiles = files.map { SourceFile(path: $0.key, documents: $0.value, failed: false) }
            + failed.map { SourceFile(path: $0, documents: [], failed: true) }
        return SourceAssembler.assemble(sourceFiles, fileIssues: [])
    }

    func testEachFabricOwnsItsFolderExceptSubfoldersWithTheirOwnFabric() {
        let result = assemble([
            fabric("dc1", "dc1/fabric.yaml"),
            member("leaf-01", "dc1/switches.yaml"),
            member("leaf-02", "dc1/racks/r1/switches.yaml"),
            fabric("edge", "dc1/edge/fabric.yaml"),
            member("edge-01", "dc1/edge/switches.yaml"),
            member("edge-02", "dc1/edge/more/switches.yaml"),
        ])
        XCTAssertEqual(result.issues, [])
        XCTAssertEqual(result.fabrics.map(\.fabric.name), ["dc1", "edge"])
        XCTAssertEqual(result.fabrics.map(\.folder), ["dc1", "dc1/edge"])
        XCTAssertEqual(result.fabrics[0].members.map(\.id.name), ["leaf-02", "leaf-01"], "by file path")
        XCTAssertEqual(result.fabrics[1].members.map(\.id.name), ["edge-02", "edge-01"])
    }

    func testMembersKeepTheNamespaceAsWritten() {
        let result = assemble([fabric("dc1", "fabric.yaml"), member("a", "a.yaml"), member("b", "b.yaml", namespace: "fab")])
        XCTAssertEqual(result.fabrics.first?.members.map(\.id.namespace), ["", "fab"])
        XCTAssertNil(result.fabrics.first?.members.first?.object.value(at: "metadata", "namespace"))
    }

    func testDuplicateObjectInOneFabricNamesTheFirst() {
        let result = assemble([
            fabric("dc1", "dc1/fabric.yaml"),
            member("leaf-01", "dc1/a.yaml"),
            member("leaf-01", "dc1/b.yaml", namespace: "default"),
            member("leaf-01", "dc1/b.yaml", namespace: "other", index: 1),
        ])
        XCTAssertEqual(result.issues.map(\.description), [
            "dc1/b.yaml:4:3: metadata.name: duplicate wiring.githedgehog.com Switch default/leaf-01: already defined at dc1/a.yaml:4:3",
        ])
        XCTAssertEqual(result.fabrics.first?.issues.count, 1)
    }

    func testSameObjectInTwoFabricsIsClaimedTwice() {
        let result = assemble([
            fabric("dc1", "dc1/fabric.yaml"), member("shared", "dc1/s.yaml", namespace: "x"),
            fabric("dc2", "dc2/fabric.yaml"), member("shared", "dc2/s.yaml", namespace: "x"),
        ])
        XCTAssertEqual(result.issues.map(\.description), [
            "dc2/s.yaml:4:3: metadata.name: wiring.githedgehog.com Switch x/shared is already a member of Fabric hedgehog-system/dc1 at dc1/s.yaml:4:3",
        ])
        XCTAssertEqual(result.fabrics.map(\.isValid), [true, false], "the issue belongs to the fabric whose file holds it")
    }

    func testTwoFabricsInOneFolder() {
        let result = assemble([fabric("dc1", "dc1/a.yaml"), fabric("dc2", "dc1/b.yaml")])
        XCTAssertEqual(result.issues.map(\.description), [
            #"dc1/b.yaml:2:1: kind: a second Fabric in folder "dc1"; the first (hedgehog-system/dc1) is at dc1/a.yaml:1:1 (one Fabric per folder)"#,
        ])
        XCTAssertEqual(result.fabrics.map(\.fabric.name), ["dc1"])
        XCTAssertFalse(result.fabrics[0].isValid)
    }

    func testDocumentUnderNoFabricIsAnOrphan() {
        let result = assemble([fabric("dc1", "dc1/fabric.yaml"), member("lost", "other/x.yaml"), member("top", "y.yaml")])
        XCTAssertEqual(result.issues.map(\.description), [
            #"other/x.yaml:1:1: (document): belongs to no Fabric: there is none in folder "other" or the folders above it"#,
            #"y.yaml:1:1: (document): belongs to no Fabric: there is none in folder "." or the folders above it"#,
        ])
        XCTAssertEqual(result.fabrics.map(\.isValid), [true])
    }

    func testNoOrphanErrorsBesideAFileThatFailedToParse() {
        let result = assemble([member("a", "dc1/a.yaml")], failed: ["dc1/fabric.yaml"])
        XCTAssertEqual(result.issues, [])
    }

    func testDuplicateFabricsAcrossFolders() {
        let result = assemble([fabric("dc1", "a/fabric.yaml"), fabric("dc1", "b/fabric.yaml")])
        XCTAssertEqual(result.issues.map(\.description), [
            "b/fabric.yaml:4:3: metadata.name: duplicate Fabric hedgehog-system/dc1: already defined at a/fabric.yaml:4:3",
        ])
    }
}
