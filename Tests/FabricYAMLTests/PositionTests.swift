import FabricValue
import FabricYAML
import XCTest

/// Every node keeps where it was written: `file:line:column`, 1-based, columns in characters.
final class PositionTests: XCTestCase {
    /// (stream, document index, path, mark of the value, mark of its key)
    static let cases: [(String, Int, FieldPath, String, String)] = [
        ("a: 1\nb:\n  c: x\n", 0, path(.key("b"), .key("c")), "3:6", "3:3"),
        ("a: 1\nb:\n  c: x\n", 0, path(.key("a")), "1:4", "1:1"),
        ("a: 1\nb:\n  c: x\n", 0, path(.key("b")), "3:3", "2:1"),
        ("a: 1\nb:\n  c: x\n", 0, .root, "1:1", "1:1"),
        // multi-document: lines count across the stream
        ("a: 1\n---\nb: 2\n---\n# note\nc:\n- x\n- y\n", 1, path(.key("b")), "3:4", "3:1"),
        ("a: 1\n---\nb: 2\n---\n# note\nc:\n- x\n- y\n", 2, path(.key("c"), .index(1)), "8:3", "8:3"),
        // flow style
        ("spec: {ports: [80, 443], name: web}\n", 0, path(.key("spec"), .key("ports"), .index(1)), "1:20", "1:20"),
        ("spec: {ports: [80, 443], name: web}\n", 0, path(.key("spec"), .key("name")), "1:32", "1:26"),
        // after comments and blank lines
        ("# header\n\n# more\nkind: Switch # trailing\n\nspec:\n  # inside\n  asn: 65101\n", 0, path(.key("spec"), .key("asn")), "8:8", "8:3"),
        // CRLF line ends
        ("a: 1\r\nb:\r\n  c: x\r\n", 0, path(.key("b"), .key("c")), "3:6", "3:3"),
        // a BOM does not count as a column
        ("\u{FEFF}a: 1\nb: 2\n", 0, path(.key("a")), "1:4", "1:1"),
        // quoted keys and values
        ("\"a.b/c\": 'x'\n", 0, path(.key("a.b/c")), "1:10", "1:1"),
        // columns count characters, not bytes
        ("é: ü\nx: [ö, y]\n", 0, path(.key("x"), .index(1)), "2:8", "2:8"),
        // nested sequences of mappings
        ("items:\n- name: a\n  ports:\n  - port: 80\n- name: b\n", 0, path(.key("items"), .index(0), .key("ports"), .index(0), .key("port")), "4:11", "4:5"),
        ("items:\n- name: a\n  ports:\n  - port: 80\n- name: b\n", 0, path(.key("items"), .index(1), .key("name")), "5:9", "5:3"),
        // a path that leaves the tree answers with its nearest written ancestor
        ("a:\n  b: 1\n", 0, path(.key("a"), .key("missing"), .key("deeper")), "2:3", "1:1"),
        ("a: [1]\n", 0, path(.key("a"), .index(5)), "1:4", "1:1"),
        // literal blocks start at their indicator
        ("a: |\n  text\nb: 2\n", 0, path(.key("b")), "3:4", "3:1"),
    ]

    func testMarksOfValuesAndKeys() throws {
        for (text, index, fieldPath, valueMark, keyMark) in Self.cases {
            let documents = try readDocuments(text)
            guard documents.indices.contains(index) else {
                XCTFail("\(text.debugDescription): no document \(index)")
                continue
            }
            let document = documents[index]
            XCTAssertEqual(document.mark(for: fieldPath).description, "test.yaml:\(valueMark)", "value of \(fieldPath) in \(text.debugDescription)")
            XCTAssertEqual(document.keyMark(for: fieldPath).description, "test.yaml:\(keyMark)", "key of \(fieldPath) in \(text.debugDescription)")
        }
    }

    func testDocumentsKnowTheirIndexAndStart() throws {
        let documents = try readDocuments("# lead\nkind: A\n---\n\n  kind: B\n...\n--- x\n")
        XCTAssertEqual(documents.map(\.index), [0, 1, 2])
        XCTAssertEqual(documents.map(\.start.description), ["test.yaml:2:1", "test.yaml:5:3", "test.yaml:7:5"])
        XCTAssertEqual(documents.map(\.value), [["kind": "A"], ["kind": "B"], "x"])
    }

    func testMarksOfAliasedAndMergedNodes() throws {
        let text = """
            base: &base
              image: nginx
              ports: [80]
            copy: *base
            merged:
              <<: *base
              name: m

            """
        let document = try XCTUnwrap(readDocuments(text).first)
        // An alias is marked where it is used; what it expands to, where the anchor wrote it.
        XCTAssertEqual(document.mark(for: path(.key("copy"))).description, "test.yaml:4:7")
        XCTAssertEqual(document.mark(for: path(.key("copy"), .key("ports"), .index(0))).description, "test.yaml:3:11")
        XCTAssertEqual(document.mark(for: path(.key("merged"), .key("name"))).description, "test.yaml:7:9")
        XCTAssertEqual(document.mark(for: path(.key("merged"), .key("image"))).description, "test.yaml:2:10")
        XCTAssertEqual(document.mark(for: path(.key("merged"), .key("ports"), .index(0))).description, "test.yaml:3:11")
    }

    func testHandRecordedMarksAnswerForDocumentsBuiltWithoutTheReader() {
        var marks = MarkTable()
        marks.record(SourceMark(file: "hand.yaml", line: 1, column: 1), for: .root)
        marks.record(SourceMark(file: "hand.yaml", line: 3, column: 3), for: FieldPath("spec"))
        let document = YAMLDocument(
            file: "hand.yaml", index: 0, value: ["spec": ["asn": 1]], start: SourceMark(file: "hand.yaml", line: 1, column: 1), marks: marks)
        XCTAssertEqual(document.mark(for: FieldPath("spec", "asn")).description, "hand.yaml:3:3")
        XCTAssertEqual(document.keyMark(for: FieldPath("spec")).description, "hand.yaml:3:3")
        XCTAssertEqual(document.mark(for: FieldPath("other")).description, "hand.yaml:1:1")
    }
}
