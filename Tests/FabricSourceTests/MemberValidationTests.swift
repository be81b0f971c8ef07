@testable import FabricSource
import FabricValue
import XCTest

/// The checks every document gets: shape, identity, names, labels.
final class MemberValidationTests: XCTestCase {
    func issues(_ text: String) -> [String] {
        var checker = DocumentChecker(document(text))
        _ = ObjectValidation.check(&checker)
        return checker.issues.map { "\($0.path): \($0.message)" }
    }

    func testTable() {
        let rows: [(String, String, [String])] = [
            ("valid switch", #"{"apiVersion":"wiring.githedgehog.com/v1beta1","kind":"Switch","metadata":{"name":"leaf-01","namespace":"default"}}"#, []),
            ("valid core object", #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a.b-c"}}"#, []),
            ("missing everything", #"{"spec":{}}"#,
             ["apiVersion: required field is missing", "kind: required field is missing", "metadata.name: required field is missing"]),
            ("wrong types", #"{"apiVersion":1,"kind":["Switch"],"metadata":{"name":7}}"#,
             ["apiVersion: must be a string, found integer 1", "kind: must be a string, found array", "metadata.name: must be a string, found integer 7"]),
            ("empty strings", #"{"apiVersion":"","kind":"","metadata":{"name":""}}"#,
             ["apiVersion: must not be empty", "kind: must not be empty", "metadata.name: must not be empty"]),
            ("malformed apiVersion", #"{"apiVersion":"a/b/c","kind":"K","metadata":{"name":"n"}}"#,
             [#"apiVersion: "a/b/c" is not of the form group/version or version"#]),
            ("metadata as string", #"{"apiVersion":"v1","kind":"K","metadata":"n"}"#, [#"metadata: must be an object, found string "n""#]),
            ("uppercase name", #"{"apiVersion":"v1","kind":"K","metadata":{"name":"Leaf-01"}}"#,
             [#"metadata.name: "Leaf-01" is not a valid name: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit (RFC 1123 subdomain)"#]),
            ("underscore namespace", #"{"apiVersion":"v1","kind":"K","metadata":{"name":"a","namespace":"my_ns"}}"#,
             [#"metadata.namespace: "my_ns" is not a valid name: use lowercase letters, digits and '-', starting and ending with a letter or digit (RFC 1123 label)"#]),
            ("namespace named with a dot", #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a.b"}}"#,
             [#"metadata.name: "a.b" is not a valid name: use lowercase letters, digits and '-', starting and ending with a letter or digit (RFC 1123 label)"#]),
            ("rbac names may hold colons", #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"system:fabric"}}"#, []),
            ("rbac names may not hold slashes", #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"a/b"}}"#,
             [#"metadata.name: "a/b" must not contain '/' or '%'"#]),
            ("long name", #"{"apiVersion":"v1","kind":"K","metadata":{"name":"\#(String(repeating: "a", count: 254))"}}"#,
             ["metadata.name: must be no more than 253 characters, found 254"]),
            ("label value not a string", #"{"apiVersion":"v1","kind":"K","metadata":{"name":"a","labels":{"rack":7}}}"#,
             ["metadata.labels.rack: must be a string, found integer 7"]),
            ("bad label value", #"{"apiVersion":"v1","kind":"K","metadata":{"name":"a","labels":{"role":"-x"}}}"#,
             [#"metadata.labels.role: "-x" is not a valid label value: use letters, digits, '-', '_' and '.', starting and ending with a letter or digit"#]),
            ("annotation not a string", #"{"apiVersion":"v1","kind":"K","metadata":{"name":"a","annotations":{"note":true}}}"#,
             ["metadata.annotations.note: must be a string, found boolean true"]),
            ("document is a list", #"[1,2]"#, ["(document): a document must be a mapping, found array"]),
            ("document is a scalar", #""just text""#, ["(document): a document must be a mapping, found string"]),
        ]
        for (name, text, want) in rows { XCTAssertEqual(issues(text), want, name) }
    }

    func testDNSNameRules() {
        let subdomains: [(String, Bool)] = [
            ("a", true), ("leaf-01", true), ("a.b.c", true), ("0a", true), ("-a", false), ("a-", false), ("a..b", false),
            (".a", false), ("A", false), ("a_b", false), ("", false), (String(repeating: "a", count: 253), true),
            (String(repeating: "a", count: 254), false), ("é", false),
        ]
        for (name, valid) in subdomains { XCTAssertEqual(DNSNames.subdomainProblem(name) == nil, valid, "subdomain \(name)") }
        let labels: [(String, Bool)] = [
            ("default", true), ("a.b", false), (String(repeating: "a", count: 63), true), (String(repeating: "a", count: 64), false),
        ]
        for (name, valid) in labels { XCTAssertEqual(DNSNames.labelProblem(name) == nil, valid, "label \(name)") }
        let values: [(String, Bool)] = [("", true), ("Ab_c.d-1", true), ("_a", false), ("a b", false)]
        for (value, valid) in values { XCTAssertEqual(DNSNames.labelValueProblem(value) == nil, valid, "label value \(value)") }
    }
}
