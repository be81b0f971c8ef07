import FabricValue
import KubeClient
import XCTest

/// The watch stream splitter: events cut at any byte still come out whole,
/// each as soon as its newline arrives, and bad lines are reported in place.
final class WatchEventDecoderTests: XCTestCase {
    private let stream = Array("""
        {"type":"ADDED","object":{"kind":"Switch","metadata":{"name":"s1","resourceVersion":"10"}}}
        {"type":"MODIFIED","object":{"kind":"Switch","metadata":{"name":"s1","resourceVersion":"11"},"spec":{"description":"ünïcødé ✓"}}}
        {"type":"BOOKMARK","object":{"kind":"Switch","metadata":{"resourceVersion":"12"}}}
        {"type":"DELETED","object":{"kind":"Switch","metadata":{"name":"s1","resourceVersion":"13"}}}

        """.utf8)

    private func versions(_ results: [Result<WatchEvent, WatchDecodeError>]) -> [String] {
        results.map { result in
            switch result {
            case .success(let event): return "\(event.type.rawValue):\(event.resourceVersion ?? "-")"
            case .failure(let error): return "error:\(error.message)"
            }
        }
    }

    private let expected = ["ADDED:10", "MODIFIED:11", "BOOKMARK:12", "DELETED:13"]

    func testEverySplitPointOfTwoChunksYieldsTheSameEvents() {
        for cut in 0...stream.count {
            var decoder = WatchEventDecoder()
            let results = decoder.push(stream[0..<cut]) + decoder.push(stream[cut...]) + decoder.finish()
            XCTAssertEqual(versions(results), expected, "cut at \(cut)")
        }
    }

    func testEveryPairOfSplitPointsYieldsTheSameEvents() {
        for first in stride(from: 0, through: stream.count, by: 7) {
            for second in first...stream.count {
                var decoder = WatchEventDecoder()
                let results = decoder.push(stream[0..<first]) + decoder.push(stream[first..<second]) + decoder.push(stream[second...])
                XCTAssertEqual(versions(results), expected, "cuts at \(first), \(second)")
            }
        }
    }

    func testOneByteAtATime() {
        var decoder = WatchEventDecoder()
        var results: [Result<WatchEvent, WatchDecodeError>] = []
        for byte in stream { results += decoder.push([byte]) }
        XCTAssertEqual(versions(results), expected)
    }

    func testACompleteLineIsNeverHeldBackForTheNextChunk() {
        let lines = stream.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        var decoder = WatchEventDecoder()
        for (index, line) in lines.dropLast().enumerated() {
            let results = decoder.push(Array(line) + [UInt8(ascii: "\n")])
            XCTAssertEqual(versions(results), [expected[index]], "line \(index) came out with its own chunk")
        }
    }

    func testTheLastEventWithoutANewlineComesOutAtTheEnd() {
        var decoder = WatchEventDecoder()
        let results = decoder.push(stream.dropLast())
        XCTAssertEqual(versions(results), Array(expected.dropLast()))
        XCTAssertEqual(versions(decoder.finish()), ["DELETED:13"])
    }

    func testBadLinesAreReportedInPlaceAndDecodingGoesOn() {
        let text = """
            {"type":"ADDED","object":{"metadata":{"resourceVersion":"1"}}}
            {"type":"ADDED","object":
            {"type":"SHOUTED","object":{}}
            {"object":{}}
            {"type":"ADDED","object":"text"}

            \r
            {"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired"}}

            """
        var decoder = WatchEventDecoder()
        let results = decoder.push(Array(text.utf8))
        let seen = versions(results)
        XCTAssertEqual(seen.count, 6, "\(seen)")
        XCTAssertEqual(seen[0], "ADDED:1")
        XCTAssertTrue(seen[1].hasPrefix("error:not JSON"), seen[1])
        XCTAssertEqual(seen[2], "error:an unknown event type SHOUTED")
        XCTAssertEqual(seen[3], "error:an event without a type")
        XCTAssertEqual(seen[4], "error:a ADDED event without an object")
        XCTAssertEqual(seen[5], "ERROR:-")
    }

    func testAnOverlongLineIsAnError() {
        var decoder = WatchEventDecoder(maximumLineBytes: 16)
        let results = decoder.push(Array(#"{"type":"ADDED","object":{}}"#.utf8))
        XCTAssertEqual(versions(results), ["error:an event longer than 16 bytes"])
    }
}
