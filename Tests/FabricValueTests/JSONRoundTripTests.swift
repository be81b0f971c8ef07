import XCTest
import FabricValue

final class JSONRoundTripTests: XCTestCase {
    func testParsesAndWritesBackTheSameBytes() throws {
        let cases = [
            #"{"b":1,"a":[true,false,null],"c":{"d":"e"}}"#,
            #"[]"#, #"{}"#, #""x""#, #"-12"#, #"1.5"#, #"1e-07"#,
            #"{"s":"quote \" backslash \\ newline \n tab \t ctl \u0001"}"#,
            #"9223372036854775807"#,
        ]
        for text in cases {
            let value = try JSONReader.parse(text)
            XCTAssertEqual(JSONWriter.string(value), text, text)
        }
    }

    func testKeepsKeyOrderButComparesAsMaps() throws {
        let a = try JSONReader.parse(#"{"x":1,"y":2}"#)
        let b = try JSONReader.parse(#"{"y":2,"x":1}"#)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.objectValue?.keys, ["x", "y"])
        XCTAssertEqual(b.objectValue?.keys, ["y", "x"])
    }

    func testIntegersAndDoublesStayApart() throws {
        XCTAssertEqual(try JSONReader.parse("65000"), .int(65000))
        XCTAssertEqual(try JSONReader.parse("65000.5"), .double(65000.5))
        XCTAssertEqual(JSONWriter.string(.double(3.0)), "3")
    }

    func testDecodesEscapesAndSurrogatePairs() throws {
        XCTAssertEqual(try JSONReader.parse(#""\u00e9\ud83d\ude00\/""#), .string("é😀/"))
    }

    func testReportsLineAndColumnOfErrors() {
        let cases: [(String, Int, Int)] = [
            ("{\n  \"a\": tru\n}", 2, 8),
            ("[1,]", 1, 4),
            ("{\"a\" 1}", 1, 6),
            ("01", 1, 1),
            ("\"abc", 1, 1),
            ("[1] 2", 1, 5),
            ("", 1, 1),
        ]
        for (text, line, column) in cases {
            XCTAssertThrowsError(try JSONReader.parse(text), text) { error in
                let e = error as! JSONReader.Error
                XCTAssertEqual(e.line, line, "\(text): \(e)")
                XCTAssertEqual(e.column, column, "\(text): \(e)")
            }
        }
    }

    func testRefusesNestingBeyondTheLimit() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        XCTAssertThrowsError(try JSONReader.parse(deep))
    }

    func testFieldPathsPrintLikeKubectl() {
        let path = FieldPath("metadata", "labels").appending("fabric.githedgehog.com/name")
        XCTAssertEqual(path.description, #"metadata.labels["fabric.githedgehog.com/name"]"#)
        XCTAssertEqual(FieldPath("spec", "ports").appending(index: 3).appending("speed").description, "spec.ports[3].speed")
    }
}
