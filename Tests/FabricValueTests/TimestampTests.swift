import XCTest
import FabricValue

final class TimestampTests: XCTestCase {
    func testFormatsKnownInstants() {
        let cases: [(Double, String, String)] = [
            (0, "1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000Z"),
            (951_782_400.5, "2000-02-29T00:00:00Z", "2000-02-29T00:00:00.500Z"),
            (1_795_283_093.123, "2026-11-21T17:44:53Z", "2026-11-21T17:44:53.123Z"),
            (-1, "1969-12-31T23:59:59Z", "1969-12-31T23:59:59.000Z"),
        ]
        for (seconds, plain, precise) in cases {
            XCTAssertEqual(Timestamp.seconds(sinceEpoch: seconds), plain)
            XCTAssertEqual(Timestamp.milliseconds(sinceEpoch: seconds), precise)
        }
    }

    func testParsesWhatItWritesAndOffsets() {
        XCTAssertEqual(Timestamp.parse("2026-11-21T17:44:53Z"), 1_795_283_093)
        XCTAssertEqual(Timestamp.parse("2026-11-21T17:44:53.250Z"), 1_795_283_093.25)
        XCTAssertEqual(Timestamp.parse("2026-11-21T19:44:53+02:00"), 1_795_283_093)
        for bad in ["", "2026-11-21", "2026-13-01T00:00:00Z", "2026-11-21T17:44:53", "2026-11-21T17:44:53Zjunk"] {
            XCTAssertNil(Timestamp.parse(bad), bad)
        }
    }
}
