import FabricValue
import XCTest

/// Parses a JSON literal written in a test table; a typo in a table fails loudly.
func json(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Value {
    do { return try JSONReader.parse(text) } catch {
        XCTFail("bad JSON in test table: \(error): \(text)", file: file, line: line)
        return .null
    }
}
