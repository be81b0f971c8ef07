import FabricSource
import FabricValue
import XCTest

/// Decoding the Fabric resource: defaults, every field, and each invalid form.
final class FabricModelTests: XCTestCase {
    func fabric(_ spec: String, metadata: String = #"{"name":"dc1","namespace":"hedgehog-system"}"#,
                apiVersion: String = "wiring.githedgehog.com/v1alpha2") -> String {
        #"{"apiVersion":"\#(apiVersion)","kind":"Fabric","metadata":\#(metadata),"spec":\#(spec)}"#
    }

    func testMinimalFabricGetsTheDocumentedDefaults() {
        let (model, issues) = Fabric.decode(document(fabric("{}", metadata: #"{"name":"dc1"}"#)))
        XCTAssertEqual(issues, [])
        XCTAssertEqual(model, Fabric(name: "dc1", namespace: "default"))
        XCTAssertEqual(model?.sync, SyncSettings(enabled: true, interval: 300, prune: true, allowEmpty: false, targetNamespace: "default"))
        XCTAssertNil(model?.cluster)
        XCTAssertEqual(model?.id, "default/dc1")
    }

    func testEveryFieldIsRead() {
        let spec = #"{"description":"Primary","asn":4294967295,"spineCount":2,"leafCount":0,"#
            + #""sync":{"enabled":false,"interval":0,"prune":false,"allowEmpty":true,"targetNamespace":"fab"},"#
            + #""cluster":{"kubeConfigSecretRef":{"name":"dc1-kubeconfig"}}}"#
        let (model, issues) = Fabric.decode(document(fabric(spec)))
        XCTAssertEqual(issues, [])
        XCTAssertEqual(model, Fabric(name: "dc1", namespace: "hedgehog-system", description: "Primary", asn: 4_294_967_295,
                                     spineCount: 2, leafCount: 0,
                                     sync: SyncSettings(enabled: false, interval: 0, prune: false, allowEmpty: true, targetNamespace: "fab"),
                                     cluster: ClusterTarget(kubeConfigSecretName: "dc1-kubeconfig", kubeConfigSecretKey: "value")))
    }

    func testInvalidFieldsAreAllReportedAtTheirPaths() {
        let rows: [(String, String, [String])] = [
            ("asn zero", fabric(#"{"asn":0}"#), ["spec.asn: must be between 1 and 4294967295, found 0"]),
            ("asn too large", fabric(#"{"asn":4294967296}"#), ["spec.asn: must be between 1 and 4294967295, found 4294967296"]),
            ("asn negative", fabric(#"{"asn":-1}"#), ["spec.asn: must be between 1 and 4294967295, found -1"]),
            ("asn quoted", fabric(#"{"asn":"65000"}"#), [#"spec.asn: must be an integer, found string "65000""#]),
            ("asn fraction", fabric(#"{"asn":65000.5}"#), ["spec.asn: must be an integer, found number 65000.5"]),
            ("asn written as a float", fabric(#"{"asn":65000.0}"#), ["spec.asn: must be an integer, found number 65000.0"]),
            ("negative interval", fabric(#"{"sync":{"interval":-5}}"#), ["spec.sync.interval: must be a non-negative integer, found -5"]),
            ("negative counts", fabric(#"{"spineCount":-1,"leafCount":"4"}"#),
             ["spec.spineCount: must be a non-negative integer, found -1", #"spec.leafCount: must be an integer, found string "4""#]),
            ("enabled as string", fabric(#"{"sync":{"enabled":"yes"}}"#), [#"spec.sync.enabled: must be a boolean, found string "yes""#]),
            ("sync as list", fabric(#"{"sync":[1]}"#), ["spec.sync: must be an object, found array"]),
            ("unknown spec field", fabric(#"{"asn":1,"spines":2}"#), [#"spec.spines: unknown field "spines""#]),
            ("unknown sync field", fabric(#"{"sync":{"intervl":5}}"#), [#"spec.sync.intervl: unknown field "intervl""#]),
            ("bad target namespace", fabric(#"{"sync":{"targetNamespace":"Fab_1"}}"#),
             [#"spec.sync.targetNamespace: "Fab_1" is not a valid name: use lowercase letters, digits and '-', starting and ending with a letter or digit (RFC 1123 label)"#]),
            ("secret ref without name", fabric(#"{"cluster":{"kubeConfigSecretRef":{"key":"config"}}}"#),
             ["spec.cluster.kubeConfigSecretRef.name: required field is missing"]),
            ("cluster without ref", fabric(#"{"cluster":{}}"#), ["spec.cluster.kubeConfigSecretRef: required field is missing"]),
            ("bad secret key", fabric(#"{"cluster":{"kubeConfigSecretRef":{"name":"k","key":"a/b"}}}"#),
             [#"spec.cluster.kubeConfigSecretRef.key: "a/b" is not a valid Secret key: use letters, digits, '-', '_' and '.'"#]),
            ("wrong version", fabric("{}", apiVersion: "wiring.githedgehog.com/v1beta1"),
             [#"apiVersion: Fabric is served as wiring.githedgehog.com/v1alpha2, found "wiring.githedgehog.com/v1beta1""#]),
            ("no name", fabric("{}", metadata: #"{"namespace":"x"}"#), ["metadata.name: required field is missing"]),
            ("spec not an object", fabric(#""big""#), [#"spec: must be an object, found string "big""#]),
            ("name too long for a label value", fabric("{}", metadata: #"{"name":"\#(String(repeating: "a", count: 64))"}"#),
             ["metadata.name: a Fabric name must be no more than 63 characters (it becomes a label value), found 64"]),
        ]
        for (name, text, want) in rows {
            let issues = Fabric.decode(document(text)).issues
            XCTAssertEqual(issues.map { "\($0.path): \($0.message)" }, want, name)
        }
    }

    func testIssuesPointAtTheOffendingField() {
        let issue = Fabric.decode(document(fabric(#"{"description":"x","asn":0}"#))).issues.first
        // Laid out as: apiVersion 1, kind 2, metadata 3, name 4, namespace 5, spec 6, description 7, asn 8.
        XCTAssertEqual(issue?.description, "dc1/doc.yaml:8:3: spec.asn: must be between 1 and 4294967295, found 0")
        XCTAssertEqual(issue?.code, .invalidValue)
    }

    func testInvalidFieldsKeepTheirDefaults() {
        let (model, issues) = Fabric.decode(document(fabric(#"{"sync":{"interval":-1,"prune":"no"}}"#)))
        XCTAssertEqual(issues.count, 2)
        XCTAssertEqual(model?.sync.interval, 300)
        XCTAssertEqual(model?.sync.prune, true)
    }
}
