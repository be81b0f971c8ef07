import FabricValue
import FabricYAML
import XCTest

/// Streams, documents and their markers: what counts as a document and what an empty one holds.
final class EmptyDocumentTests: XCTestCase {
    /// (stream, the documents' values)
    static let cases: [(String, [Value])] = [
        ("", []),
        ("# only a comment\n", []),
        ("\n\n", []),
        ("---\n", [.null]),
        ("---\n...\n", [.null]),
        ("---\n---\n", [.null, .null]),
        ("a: 1\n---\n", [["a": 1], .null]),
        ("---\na: 1\n...\n---\nb: 2\n", [["a": 1], ["b": 2]]),
        ("--- # comment\n~\n", [.null]),
        ("--- {}\n--- []\n", [[:], []]),
        ("\u{FEFF}a: 1\r\n---\r\nb: 2\r\n", [["a": 1], ["b": 2]]),
        ("%YAML 1.1\n---\na: 1\n", [["a": 1]]),
        ("a:\nb: \n", [["a": .null, "b": .null]]),
        ("- \n-\n", [[.null, .null]]),
        ("plain text", ["plain text"]),
    ]

    func testDocumentsOfAStream() throws {
        for (text, expected) in Self.cases {
            do {
                let documents = try readDocuments(text)
                XCTAssertEqual(documents.map(\.value), expected, text.debugDescription)
            } catch {
                XCTFail("\(text.debugDescription): \(error)")
            }
        }
    }

    func testAnEmptyDocumentStartsAtItsMarker() throws {
        let documents = try readDocuments("a: 1\n---\n")
        XCTAssertEqual(documents.last?.mark(for: FieldPath("anything")).description, "test.yaml:2:1")
    }
}
