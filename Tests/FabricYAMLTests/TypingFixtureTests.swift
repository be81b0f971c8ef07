import FabricValue
import FabricYAML
import XCTest

/// `Fixtures/typing.yaml` is a Kubernetes-shaped object whose fields cover the
/// typing rules; `typing.expected.json` is what each field must decode to. A
/// test against the real kubectl can send the same file and compare.
final class TypingFixtureTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    func testTypingFixtureDecodesToItsExpectedJSON() throws {
        let yaml = try [UInt8](Data(contentsOf: Self.fixtures.appendingPathComponent("typing.yaml")))
        let json = try [UInt8](Data(contentsOf: Self.fixtures.appendingPathComponent("typing.expected.json")))
        let documents = try YAMLReader.documents(in: yaml, file: "typing.yaml")
        let expected = try JSONReader.parse(json)
        XCTAssertEqual(documents.count, 1)
        let values = try XCTUnwrap(documents.first?["values"]?.objectValue)
        let expectedValues = try XCTUnwrap(expected["values"]?.objectValue)
        XCTAssertEqual(values.keys, expectedValues.keys)
        for (key, want) in expectedValues {
            XCTAssertEqual(values[key], want, key)
        }
        XCTAssertEqual(documents.first?.value, expected)
    }
}

private extension YAMLDocument {
    subscript(key: String) -> Value? { value[key] }
}
