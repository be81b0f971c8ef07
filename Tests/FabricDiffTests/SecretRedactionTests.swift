import FabricDiff
import FabricValue
import XCTest

/// Secret values are shown as `***` with a short hash, whatever shape the change takes.
final class SecretRedactionTests: XCTestCase {
    func marker(_ text: String) -> Value { .string("*** (sha256:" + String(SHA256.hexDigest(Array(text.utf8)).prefix(8)) + ")") }

    func testRedactsDataAndStringDataValuesButNothingElse() {
        let rows: [(FieldChange, FieldChange)] = [
            (FieldChange(path: "data.token", old: "YQ==", new: "Yg=="), FieldChange(path: "data.token", old: marker("YQ=="), new: marker("Yg=="))),
            (FieldChange(path: #"data["tls.crt"]"#, old: nil, new: "Yw=="), FieldChange(path: #"data["tls.crt"]"#, old: nil, new: marker("Yw=="))),
            (FieldChange(path: "stringData.password", old: "x", new: nil), FieldChange(path: "stringData.password", old: marker("x"), new: nil)),
            (FieldChange(path: "data", old: nil, new: json(#"{"a":"b"}"#)), FieldChange(path: "data", old: nil, new: .object(Object([("a", marker("b"))])))),
            (FieldChange(path: "metadata.labels.a", old: "x", new: "y"), FieldChange(path: "metadata.labels.a", old: "x", new: "y")),
            (FieldChange(path: "dataSource", old: "x", new: "y"), FieldChange(path: "dataSource", old: "x", new: "y")),
            (FieldChange(path: "type", old: "Opaque", new: "kubernetes.io/tls"), FieldChange(path: "type", old: "Opaque", new: "kubernetes.io/tls")),
        ]
        for (input, want) in rows {
            XCTAssertEqual(SecretRedaction.redacted([input]), [want], input.path)
        }
    }

    func testSameValueGivesSameMarkerAndDifferentValuesDiffer() {
        XCTAssertEqual(SecretRedaction.redacted("abc"), SecretRedaction.redacted("abc"))
        XCTAssertNotEqual(SecretRedaction.redacted("abc"), SecretRedaction.redacted("abd"))
        XCTAssertEqual(SecretRedaction.redacted("abc"), "*** (sha256:ba7816bf)")
    }
}
