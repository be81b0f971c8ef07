import FabricValue
import FabricYAML
import Foundation
import XCTest

/// Parses a JSON literal written in a test table.
func json(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Value {
    do { return try JSONReader.parse(text) } catch {
        XCTFail("bad JSON in test table: \(error): \(text)", file: file, line: line)
        return .null
    }
}

/// A document built without the YAML reader, its marks laid out as block YAML
/// would put them: one line per key or list item, in order, indented two
/// columns per level, each mark at the key's column.
func document(_ text: String, file: String = "dc1/doc.yaml", index: Int = 0, firstLine: Int = 1) -> YAMLDocument {
    let value = json(text)
    var marks = MarkTable()
    var line = firstLine
    func lay(_ value: Value, _ path: FieldPath, indent: Int) {
        switch value {
        case .object(let object):
            for (key, item) in object {
                marks.record(SourceMark(file: file, line: line, column: indent + 1), for: path.appending(key))
                line += 1
                lay(item, path.appending(key), indent: indent + 2)
            }
        case .array(let items):
            for (i, item) in items.enumerated() {
                marks.record(SourceMark(file: file, line: line, column: indent + 1), for: path.appending(index: i))
                line += 1
                lay(item, path.appending(index: i), indent: indent + 2)
            }
        default: break
        }
    }
    let start = SourceMark(file: file, line: firstLine, column: 1)
    marks.record(start, for: .root)
    lay(value, .root, indent: 0)
    return YAMLDocument(file: file, index: index, value: value, start: start, marks: marks)
}

/// A fresh folder under the system temp folder, removed when the test ends.
func temporaryFolder(_ test: XCTestCase) throws -> String {
    let path = NSTemporaryDirectory() + "fabricsync-source-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }  // deliberate: cleanup failure must not fail the test
    return path
}

/// Writes `files` (relative path → text) under `root`, making folders as needed.
func write(_ files: [String: String], under root: String) throws {
    for (path, text) in files {
        let full = root + "/" + path
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
    }
}
