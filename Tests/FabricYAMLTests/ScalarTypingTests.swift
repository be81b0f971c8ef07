import FabricValue
import FabricYAML
import XCTest

/// Scalars are typed as `kubectl apply -f` types them (sigs.k8s.io/yaml on
/// go-yaml v2's YAML 1.1 resolver).
final class ScalarTypingTests: XCTestCase {
    /// (the scalar as written after `v: `, the value kubectl would send)
    static let cases: [(String, Value)] = [
        // null
        ("", .null), ("~", .null), ("null", .null), ("Null", .null), ("NULL", .null),
        ("nULL", "nULL"), ("'null'", "null"), ("\"~\"", "~"),
        // booleans, YAML 1.1 style
        ("y", true), ("Y", true), ("yes", true), ("Yes", true), ("YES", true),
        ("n", false), ("N", false), ("no", false), ("No", false), ("NO", false),
        ("true", true), ("True", true), ("TRUE", true), ("false", false), ("False", false), ("FALSE", false),
        ("on", true), ("On", true), ("ON", true), ("off", false), ("Off", false), ("OFF", false),
        ("yEs", "yEs"), ("tRUE", "tRUE"), ("o", "o"), ("\"yes\"", "yes"), ("'off'", "off"),
        // integers
        ("0", 0), ("65000", 65000), ("-42", -42), ("+42", 42), ("1_000", 1000), ("-1_000_000", -1_000_000),
        ("017", 15), ("-017", -15), ("00", 0), ("0o17", 15), ("0O17", 15), ("0x1F", 31), ("0X1f", 31), ("-0x1F", -31),
        ("0b101", 5), ("-0b101", -5), ("0x_1F", 31),
        ("9223372036854775807", .int(Int64.max)), ("-9223372036854775808", .int(Int64.min)),
        ("\"65000\"", "65000"), ("'017'", "017"),
        // out of int64 range: go-yaml goes on to uint64, then float
        ("9223372036854775808", .double(9223372036854775808)), ("18446744073709551615", .double(0x1p64)),
        ("-9223372036854775809", .double(-0x1p63)), ("0xFFFFFFFFFFFFFFFFFF", "0xFFFFFFFFFFFFFFFFFF"),
        // not integers
        ("08", .double(8)), ("09.5", .double(9.5)), ("0x", "0x"), ("0b102", "0b102"), ("1_", .int(1)), ("_1", "_1"),
        ("190:20:30", "190:20:30"), ("1,000", "1,000"), ("12abc", "12abc"), ("-x", "-x"), ("+", "+"),
        // floats
        ("1.5", 1.5), ("-1.5", -1.5), ("1.", .double(1)), (".5", 0.5), ("+.5", 0.5), ("-.5", -0.5),
        ("1e3", .double(1000)), ("1E3", .double(1000)), ("1.5e-3", 0.0015), ("1_000.5", 1000.5), ("6.02e+23", 6.02e23),
        (".inf", .double(.infinity)), (".Inf", .double(.infinity)), (".INF", .double(.infinity)), ("+.inf", .double(.infinity)),
        ("-.inf", .double(-.infinity)), ("-.Inf", .double(-.infinity)), (".nan", .double(.nan)), (".NaN", .double(.nan)), (".NAN", .double(.nan)),
        (".iNf", ".iNf"), ("inf", "inf"), ("nan", "nan"), (".", "."), ("1e", "1e"), ("1e400", "1e400"), (".5_0", ".5_0"),
        ("'1.5'", "1.5"),
        // timestamps stay strings
        ("2001-12-14", "2001-12-14"), ("2001-12-14t21:59:43.10-05:00", "2001-12-14t21:59:43.10-05:00"), ("2001-12-14 21:59:43.10", "2001-12-14 21:59:43.10"),
        // explicit tags
        ("!!str 65000", "65000"), ("!!str yes", "yes"), ("!!str", ""), ("!!int \"42\"", 42), ("!!int 0x10", 16),
        ("!!float 1", .double(1)), ("!!float '2.5'", 2.5), ("!!bool yes", true), ("!!bool 'false'", false), ("!!null ''", .null), ("!!null ~", .null),
        ("!!timestamp 2001-12-14", "2001-12-14"), ("!!binary aGVsbG8=", "hello"), ("!custom 42", "42"), ("! 42", "42"),
        ("!<tag:yaml.org,2002:int> 7", 7),
        // strings of every other form
        ("hello world", "hello world"), ("'it''s'", "it's"), ("\"tab\\tnew\\nline \\u00e9\"", "tab\tnew\nline é"),
        ("|\n  a\n  b\n", "a\nb\n"), ("|-\n  a\n  b\n", "a\nb"), ("|+\n  a\n", "a\n\n"), (">\n  a\n  b\n\n  c\n", "a b\nc\n"),
        (">-\n  folded\n  text\n", "folded text"), ("|2\n   indented\n", " indented\n"), ("<<", "<<"),
        ("héllo", "héllo"), ("plain # comment", "plain"),
    ]

    func testScalarsAreTypedAsKubectlTypesThem() throws {
        for (text, expected) in Self.cases {
            let value: Value
            do { value = try readValue("v: \(text)\n") } catch {
                XCTFail("\(text.debugDescription): \(error)")
                continue
            }
            XCTAssert(sameValue(value["v"] ?? "<missing>", expected), "\(text.debugDescription): got \(value["v"] ?? .null), want \(expected)")
        }
    }

    func testTaggedScalarsThatDoNotFitTheirTagAreErrors() {
        let cases: [(String, String)] = [
            ("v: !!int abc\n", "cannot decode !!str `abc` as a !!int"),
            ("v: !!bool 1\n", "cannot decode !!int `1` as a !!bool"),
            ("v: !!null x\n", "cannot decode !!str `x` as a !!null"),
            ("v: !!int 1.5\n", "cannot decode !!float `1.5` as a !!int"),
            ("v: !!binary '*'\n", "!!binary value contains invalid base64 data"),
        ]
        for (text, message) in cases {
            let error = readError(Array(text.utf8))
            XCTAssertEqual(error?.message, message, text)
            XCTAssertEqual(error?.mark.description, "bad.yaml:1:4", text)
        }
    }

    /// Float keys print as Go's `strconv.FormatFloat(k, 'g', -1, 32)`.
    func testFloatKeysPrintAsGoPrintsThem() throws {
        let cases: [(String, String)] = [
            ("1.5", "1.5"), ("0.1", "0.1"), ("1.1", "1.1"), ("-2.5", "-2.5"), ("1e3", "1000"), ("123456.0", "123456"),
            ("1234567.0", "1.234567e+06"), ("1e7", "1e+07"), ("16777217.0", "1.6777216e+07"), ("0.0001", "0.0001"),
            ("0.00001", "1e-05"), ("1.5e-7", "1.5e-07"), ("0.0", "0"), (".inf", ".inf"), ("-.inf", "-.inf"), (".nan", ".nan"),
            ("1e39", ".inf"),
        ]
        for (written, expected) in cases {
            let value = try readValue("\(written): x\n")
            XCTAssertEqual(value.objectValue?.keys, [expected], written)
        }
    }

    func testNonStringKeysBecomeTheirJSONText() throws {
        let value = try readValue("1: a\nyes: b\n0x10: d\n1.5: e\n1e3: f\n1e7: g\n~x: h\n'5': i\n-.inf: j\n2001-12-14: k\n")
        XCTAssertEqual(value.objectValue?.keys, ["1", "true", "16", "1.5", "1000", "1e+07", "~x", "5", "-.inf", "2001-12-14"])
        XCTAssertEqual(value["true"], "b")
    }
}
