import FabricValue
import FabricYAML
import XCTest

/// Reads `text` as the file `test.yaml` with default limits.
func readDocuments(_ text: String, limits: YAMLLimits = .default) throws(YAMLError) -> [YAMLDocument] {
    try YAMLReader.documents(in: Array(text.utf8), file: "test.yaml", limits: limits)
}

/// The value of a stream's only document.
func readValue(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> Value {
    let documents = try readDocuments(text)
    XCTAssertEqual(documents.count, 1, "expected one document in \(text.debugDescription)", file: file, line: line)
    return documents.first?.value ?? .null
}

/// The error reading `bytes` throws, or nil when it reads.
func readError(_ bytes: [UInt8], limits: YAMLLimits = .default) -> YAMLError? {
    do {
        _ = try YAMLReader.documents(in: bytes, file: "bad.yaml", limits: limits)
        return nil
    } catch {
        return error
    }
}

/// Equality that treats NaN as equal to itself, for typing tables.
func sameValue(_ a: Value, _ b: Value) -> Bool {
    if case .double(let x) = a, case .double(let y) = b, x.isNaN, y.isNaN { return true }
    return a == b
}

/// `path` written the way error messages print it: `spec.ports[0].name`.
func path(_ components: FieldPath.Component...) -> FieldPath { FieldPath(components) }
