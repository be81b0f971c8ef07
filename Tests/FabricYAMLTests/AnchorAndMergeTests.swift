import FabricValue
import FabricYAML
import XCTest

/// Anchors, aliases and `<<` merge keys expand as go-yaml v2 expands them.
final class AnchorAndMergeTests: XCTestCase {
    /// (stream, expected value)
    static let cases: [(String, Value)] = [
        ("a: &x 1\nb: *x\n", ["a": 1, "b": 1]),
        ("a: &x [1, {k: v}]\nb: *x\n", ["a": [1, ["k": "v"]], "b": [1, ["k": "v"]]]),
        ("a: &x {k: v}\nb: [*x, *x]\n", ["a": ["k": "v"], "b": [["k": "v"], ["k": "v"]]]),
        // an alias in key position
        ("a: &k name\n*k : 2\n", ["a": "name", "name": 2]),
        // a redefined anchor: later aliases see the latest
        ("a: &x 1\nb: *x\nc: &x 2\nd: *x\n", ["a": 1, "b": 1, "c": 2, "d": 2]),
        // merge keys: written keys win wherever they stand, earlier merged maps win over later ones
        ("base: &b {x: 1, w: 2}\nm:\n  <<: *b\n  w: 3\n", ["base": ["x": 1, "w": 2], "m": ["x": 1, "w": 3]]),
        ("base: &b {x: 1, w: 2}\nm:\n  w: 3\n  <<: *b\n", ["base": ["x": 1, "w": 2], "m": ["w": 3, "x": 1]]),
        ("p: &p {x: 1}\nq: &q {x: 2, z: 3}\nm:\n  <<: [*p, *q]\n", ["p": ["x": 1], "q": ["x": 2, "z": 3], "m": ["x": 1, "z": 3]]),
        ("m:\n  <<: {a: 1}\n  b: 2\n", ["m": ["a": 1, "b": 2]]),
        ("m:\n  !!merge <<: {a: 1}\n", ["m": ["a": 1]]),
        // a quoted "<<" is an ordinary key
        ("m:\n  \"<<\": {a: 1}\n", ["m": ["<<": ["a": 1]]]),
        // merges nest through anchors
        ("a: &a {x: 1}\nb: &b {<<: *a, w: 2}\nc: {<<: *b, z: 3}\n", ["a": ["x": 1], "b": ["x": 1, "w": 2], "c": ["x": 1, "w": 2, "z": 3]]),
    ]

    func testAliasesAndMergesExpand() throws {
        for (text, expected) in Self.cases {
            let value: Value
            do { value = try readValue(text) } catch {
                XCTFail("\(text.debugDescription): \(error)")
                continue
            }
            XCTAssertEqual(value, expected, text.debugDescription)
        }
    }

    func testMergedKeysFollowWrittenKeysInOrder() throws {
        let value = try readValue("base: &b {x: 1, v: 2}\nm:\n  z: 0\n  <<: *b\n  w: 9\n")
        XCTAssertEqual(value["m"]?.objectValue?.keys, ["z", "w", "x", "v"])
    }

    func testAnchorsDoNotCrossDocuments() {
        XCTAssertEqual(readError(Array("a: &x 1\n---\nb: *x\n".utf8))?.description, "bad.yaml:3:4: unknown anchor 'x' referenced")
    }

    func testAliasBombWithinLimitsStillExpands() throws {
        let value = try readValue("a: &a [1, 2, 3]\nb: &b [*a, *a, *a]\nc: [*b, *b]\n")
        XCTAssertEqual(value["c"]?.arrayValue?.count, 2)
        XCTAssertEqual(value["c"]?.arrayValue?[1].arrayValue?[2], [1, 2, 3])
    }
}
