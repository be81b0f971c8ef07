import XCTest
import ArgumentParsing

final class ArgumentParserTests: XCTestCase {
    let spec = CommandSpec(
        name: "diff",
        abstract: "Show what a reconcile would change.",
        options: [
            .value("source", "DIR", help: "Folder of fabrics."),
            .value("output", short: "o", "FORMAT", help: "Output format.", default: "text", choices: ["text", "json"]),
            .flag("offline", help: "Do not contact a cluster."),
            .value("concurrency", "N", help: "Fabrics in parallel.", default: "4"),
            .value("shutdown-grace", "DURATION", help: "Grace.", default: "30s"),
            OptionSpec("label", .repeatedValue(placeholder: "K=V"), help: "Labels."),
        ],
        positionals: [PositionalSpec("fabric", help: "NS/NAME", isOptional: true)]
    )

    func parse(_ arguments: [String], environment: [String: String] = [:]) throws -> ParsedArguments {
        guard case .run(let parsed) = try ArgumentParser(spec).parse(arguments, environment: environment) else {
            throw UsageError("asked for help")
        }
        return parsed
    }

    func testAcceptsEveryWayOfWritingAValue() throws {
        let cases: [([String], String?, String)] = [
            (["--source", "examples"], "examples", "text"),
            (["--source=examples", "-o", "json"], "examples", "json"),
            (["-ojson"], nil, "json"),
            (["--output=json", "--source", "a", "--source", "b"], "b", "json"),
        ]
        for (arguments, source, output) in cases {
            let parsed = try parse(arguments)
            XCTAssertEqual(parsed.string("source"), source, "\(arguments)")
            XCTAssertEqual(parsed.string("output"), output, "\(arguments)")
        }
    }

    func testFlagsAndRepeatedValues() throws {
        let parsed = try parse(["--offline", "--label", "a=1", "--label=b=2", "dc/one"])
        XCTAssertTrue(parsed.flag("offline"))
        XCTAssertEqual(parsed.strings("label"), ["a=1", "b=2"])
        XCTAssertEqual(parsed.positional("fabric"), "dc/one")
        XCTAssertFalse(try parse(["--offline=false"]).flag("offline"))
    }

    func testEnvironmentFillsWhatTheCommandLineLeavesOut() throws {
        let environment = ["FABRICSYNC_SOURCE": "/env", "FABRICSYNC_OFFLINE": "true", "FABRICSYNC_SHUTDOWN_GRACE": "5s"]
        let parsed = try parse(["--source", "/cli"], environment: environment)
        XCTAssertEqual(parsed.string("source"), "/cli")
        XCTAssertTrue(parsed.flag("offline"))
        XCTAssertEqual(try parsed.duration("shutdown-grace"), .seconds(5))
    }

    func testUsageErrorsSayWhatIsWrong() {
        let cases: [([String], [String: String], String)] = [
            (["--sorce", "x"], [:], "unknown option --sorce (did you mean --source?)"),
            (["--bogus"], [:], "unknown option --bogus"),
            (["-x"], [:], "unknown option -x"),
            (["--source"], [:], "option --source needs a value"),
            (["-o", "yaml"], [:], "invalid value 'yaml' for --output: expected one of text, json"),
            (["a", "b"], [:], "unexpected argument 'b'"),
            (["--offline=maybe"], [:], "invalid value 'maybe' for --offline: expected true or false"),
            ([], ["FABRICSYNC_OUTPUT": "xml"], "invalid value 'xml' for FABRICSYNC_OUTPUT: expected one of text, json"),
        ]
        for (arguments, environment, message) in cases {
            XCTAssertThrowsError(try ArgumentParser(spec).parse(arguments, environment: environment), "\(arguments)") { error in
                XCTAssertEqual((error as? UsageError)?.message, message)
            }
        }
    }

    func testTypedAccessorsRejectBadValues() throws {
        XCTAssertThrowsError(try parse(["--concurrency", "many"]).int("concurrency"))
        XCTAssertThrowsError(try parse(["--concurrency", "0"]).int("concurrency", range: 1...64))
        XCTAssertEqual(try parse([]).int("concurrency"), 4)
        XCTAssertThrowsError(try parse(["--shutdown-grace", "soon"]).duration("shutdown-grace"))
    }

    func testHelpIsARequestNotAnError() throws {
        XCTAssertEqual(try ArgumentParser(spec).parse(["--source", "x", "--help"]), .help)
        XCTAssertEqual(try ArgumentParser(spec).parse(["-h"]), .help)
        let text = HelpText.render(spec, program: "fabricsync")
        XCTAssertTrue(text.hasPrefix("USAGE: fabricsync diff [options] [fabric]"), text)
        XCTAssertTrue(text.contains("-o, --output FORMAT"), text)
        XCTAssertTrue(text.contains("(default: text) [$FABRICSYNC_OUTPUT]"), text)
    }

    func testDoubleDashEndsOptions() throws {
        XCTAssertEqual(try parse(["--", "--source"]).positional("fabric"), "--source")
    }
}

final class DurationTextTests: XCTestCase {
    func testParsesGoStyleDurations() {
        let cases: [(String, Duration?)] = [
            ("30s", .seconds(30)), ("5m", .seconds(300)), ("1h30m", .seconds(5400)), ("250ms", .milliseconds(250)),
            ("1.5s", .milliseconds(1500)), ("10", .seconds(10)), ("0", .zero),
            ("", nil), ("5x", nil), ("m", nil), ("-1s", nil),
        ]
        for (text, expected) in cases { XCTAssertEqual(DurationText.parse(text), expected, text) }
    }

    func testFormatsLikeTheStatusField() {
        XCTAssertEqual(DurationText.format(.milliseconds(1234)), "1.234s")
        XCTAssertEqual(DurationText.format(.milliseconds(1500)), "1.5s")
        XCTAssertEqual(DurationText.format(.seconds(3)), "3s")
        XCTAssertEqual(DurationText.format(.milliseconds(5)), "0.005s")
    }

    func testParsesByteCounts() {
        XCTAssertEqual(ByteCountText.parse("16Mi"), 16 << 20)
        XCTAssertEqual(ByteCountText.parse("1048576"), 1 << 20)
        XCTAssertEqual(ByteCountText.parse("2K"), 2000)
        XCTAssertNil(ByteCountText.parse("lots"))
    }
}
