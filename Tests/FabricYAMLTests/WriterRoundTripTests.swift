import FabricValue
import FabricYAML
import XCTest

/// `YAMLWriter` prints block YAML as `kubectl get -o yaml` does, and what it
/// prints reads back as the same value.
final class WriterRoundTripTests: XCTestCase {
    static let trickyStrings = [
        "yes", "no", "on", "Off", "y", "n", "true", "null", "~", "", " lead", "trail ", "017", "0x1F", "1e3", "1.5", ".inf", ".nan",
        "65000", "-1", "+1", "1_000", "2001-12-14", "190:20:30", "a: b", "a:b", "#x", "a #b", "a#b", "- x", "-x", "--flag", "-", "?", ":",
        "? x", "[x]", "{x}", "x]", ",", "&a", "*a", "!tag", "|", ">", "'q'", "\"q\"", "%x", "@x", "`x`", "<<", "tab\there", "ctl\u{1}",
        "é ü", "emoji 🚀", "line\nbreak", "two\n", "three\n\n", "\nlead break", "cr\r\nlf", "trailing space \n", "  indented\nblock",
        "x\u{85}y", "bom\u{FEFF}", "a\u{2028}b", "back\\slash", "fabric.githedgehog.com/name",
    ]

    func testTrickyStringsSurviveAsValuesAndKeys() throws {
        for s in Self.trickyStrings {
            for value: Value in [.string(s), ["k": .string(s)], [.string(s)], .object(Object([(s, "v")])), [["a": .string(s), "b": 1]]] {
                let text = YAMLWriter.string(value)
                do {
                    let back = try readValue(text)
                    XCTAssertEqual(back, value, "\(s.debugDescription) written as \(text.debugDescription)")
                } catch {
                    XCTFail("\(s.debugDescription) written as \(text.debugDescription): \(error)")
                }
            }
        }
    }

    func testValuesOfEveryTypeSurvive() throws {
        let values: [Value] = [
            .null, true, false, 0, -7, .int(Int64.max), .int(Int64.min), 1.5, .double(1000), .double(1e-7), .double(6.02e23),
            .double(.infinity), .double(-.infinity), [], [:], [[]], [[:]], [[1, 2], [3]], ["a": [], "b": [:]],
            ["nested": ["deeper": ["list": [["name": "x", "ports": [80, 443]], "plain"]]]],
        ]
        for value in values {
            let text = YAMLWriter.string(value)
            XCTAssertEqual(try readValue(text), value, text)
        }
    }

    func testPrintsLikeKubectl() {
        let value: Value = [
            "apiVersion": "wiring.githedgehog.com/v1beta1",
            "kind": "Switch",
            "metadata": ["name": "leaf-01", "labels": ["fabric.githedgehog.com/name": "dc1"]],
            "spec": [
                "asn": 65101, "enabled": true, "description": "yes", "empty": [:], "none": .null,
                "ports": [["name": "E1/1", "speed": "25G"], ["name": "E1/2"]],
                "groups": [["a", "b"]],
                "script": "#!/bin/sh\necho hi\n",
            ],
        ]
        XCTAssertEqual(YAMLWriter.string(value), """
            apiVersion: wiring.githedgehog.com/v1beta1
            kind: Switch
            metadata:
              name: leaf-01
              labels:
                fabric.githedgehog.com/name: dc1
            spec:
              asn: 65101
              enabled: true
              description: "yes"
              empty: {}
              none: null
              ports:
              - name: E1/1
                speed: 25G
              - name: E1/2
              groups:
              - - a
                - b
              script: |
                #!/bin/sh
                echo hi

            """)
    }
}
