import FabricValue
import FabricYAML
import XCTest

/// Malformed or hostile input gives an error value with the position and
/// libyaml's own words: never a crash, a hang, or unbounded memory.
final class ErrorTests: XCTestCase {
    /// (input, expected line:column, a fragment of the message)
    static let cases: [([UInt8], String, String)] = [
        (bytes("a:\n\tb: 1\n"), "2:1", "found character that cannot start any token"),
        (bytes("a: 1\nb:\n  c: 2\n\td: 3\n"), "4:1", "found a tab character that violates indentation"),
        (bytes("a: \"unclosed\nb: 2\n"), "3:1", "found unexpected end of stream"),
        (bytes("a: 'unclosed\n"), "2:1", "found unexpected end of stream"),
        (bytes("a:\n  b: 1\n c: 2\n"), "3:2", "did not find expected key"),
        (bytes("a: 1\n  b: 2\n"), "2:4", "mapping values are not allowed in this context"),
        (bytes("- a\nb: 1\n"), "2:1", "did not find expected '-' indicator"),
        (bytes("name: a\nkind: K\nname: b\n"), "3:1", "mapping key \"name\" already defined at line 1"),
        (bytes("m: {x: 1, x: 2}\n"), "1:11", "mapping key \"x\" already defined at line 1"),
        (bytes("yes: 1\ntrue: 2\n"), "2:1", "mapping key \"true\" already defined at line 1"),
        // a mapping large enough that duplicates are found through a hash set
        (bytes((0..<40).map { "k\($0): \($0)\n" }.joined() + "k7: again\n"), "41:1", "mapping key \"k7\" already defined at line 8"),
        (bytes("a: [1, 2\n"), "2:1", "did not find expected ',' or ']'"),
        (bytes("a: {b: 1\n"), "2:1", "did not find expected ',' or '}'"),
        (bytes("a: *nothing\n"), "1:4", "unknown anchor 'nothing' referenced"),
        (bytes("a: &x [1, *x]\n"), "1:11", "anchor 'x' value contains itself"),
        (bytes("a: &\n"), "1:5", "did not find expected alphabetic or numeric character"),
        (bytes("a: b\0c\n"), "1:5", "control characters are not allowed"),
        ([0x61, 0x3A, 0x20, 0xFF, 0xFE, 0x0A], "1:4", "invalid leading UTF-8 octet #xFF"),
        ([0x61, 0x3A, 0x20, 0xC3, 0x28, 0x0A], "1:5", "invalid trailing UTF-8 octet"),
        ([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00], "1:1", "control characters are not allowed"),
        (bytes("key: value\n%invalid\n"), "2:9", "found unknown directive name"),
        (bytes("key: value\n%YAML 1.1\n"), "3:1", "did not find expected <document start>"),
        (bytes("? [a, b]\n: c\n"), "1:3", "mapping keys must be scalars"),
        (bytes("~: x\n"), "1:1", "unsupported map key of type null"),
        (bytes("a:\n  <<: 5\n"), "2:7", "map merge requires map or sequence of maps as the value"),
        (bytes(String(repeating: "[", count: 10_000)), "1:257", "nesting deeper than 256 levels"),
        (bytes(String(repeating: "- ", count: 300) + "x\n"), "1:513", "nesting deeper than 256 levels"),
        // Refused at the alias that crosses the limit, long before the 9^11 nodes it would expand to.
        (bytes(billionLaughs), "7:29", "more than 5000000 nodes"),
    ]

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static let billionLaughs = """
        a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
        b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
        c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
        d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
        e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
        f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
        g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
        h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
        i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
        j: &j [*i,*i,*i,*i,*i,*i,*i,*i,*i]
        k: &k [*j,*j,*j,*j,*j,*j,*j,*j,*j]

        """

    func testMalformedInputNamesWhereAndWhat() {
        for (input, position, fragment) in Self.cases {
            let shown = String(decoding: input.prefix(60), as: UTF8.self).debugDescription
            guard let error = readError(input) else {
                XCTFail("\(shown) was read without error")
                continue
            }
            XCTAssertEqual(error.mark.description, "bad.yaml:\(position)", "\(shown): \(error)")
            XCTAssert(error.message.contains(fragment), "\(shown): \(error.message) lacks \(fragment)")
        }
    }

    func testOversizeInputIsRefusedBeforeParsing() {
        let input = [UInt8](repeating: UInt8(ascii: "#"), count: 50 << 20)
        let error = readError(input)
        XCTAssertEqual(error?.description, "bad.yaml:1:1: file is 52428800 bytes, over the 16777216-byte limit (--max-file-size)")
    }

    func testNestedAnchorsCannotMultiplyMemory() {
        // Each of 200 nested anchors would keep its own copy of the 30,000 marks inside it.
        let text = "- &a0 " + (1..<200).map { "[&a\($0) " }.joined() + "[" + Array(repeating: "1", count: 30_000).joined(separator: ",")
            + String(repeating: "]", count: 200) + "\n"
        let error = readError(Self.bytes(text))
        XCTAssert(error?.message.contains("anchored nodes add up to more than 5000000") == true, String(describing: error))
    }

    func testAliasesCannotStackDepthBeyondTheLimit() {
        // Each anchor is 200 levels deep and holds the previous one: 400 levels through one alias.
        let deep = String(repeating: "[", count: 200) + "1" + String(repeating: "]", count: 200)
        let chained = String(repeating: "[", count: 200) + "*a" + String(repeating: "]", count: 200)
        let error = readError(Self.bytes("a: &a \(deep)\nb: &b \(chained)\n"))
        XCTAssertEqual(error?.description, "bad.yaml:2:207: alias nests deeper than 256 levels")
        XCTAssertNil(readError(Self.bytes("a: &a \(deep)\nb: [[*a]]\n")), "within the limit")
    }

    func testLimitsCanBeLoweredPerCall() {
        let limits = YAMLLimits(maximumBytes: 10, maximumDepth: 2, maximumNodes: 3)
        XCTAssertEqual(readError(Self.bytes("a: 123456789\n"), limits: limits)?.message, "file is 13 bytes, over the 10-byte limit (--max-file-size)")
        XCTAssertEqual(readError(Self.bytes("[[[1]]]"), limits: limits)?.message, "nesting deeper than 2 levels")
        XCTAssertNotNil(readError(Self.bytes("[1,2,3]"), limits: limits)?.message.contains("more than 3 nodes"))
        XCTAssertNil(readError(Self.bytes("[1, 2]"), limits: limits))
    }

    func testErrorsPrintAsFileLineColumnMessage() {
        let error = readError(Self.bytes("a:\n\tb: 1\n"))
        XCTAssertEqual(error?.description, "bad.yaml:2:1: found character that cannot start any token (while scanning for the next token at line 2, column 1)")
    }
}
