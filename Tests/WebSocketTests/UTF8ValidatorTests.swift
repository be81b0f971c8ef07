import XCTest
@testable import WebSocket

final class UTF8ValidatorTests: XCTestCase {
    func testAcceptsWellFormedSequences() {
        let cases: [[UInt8]] = [
            [], Array("plain ascii".utf8), Array("κόσμε".utf8), Array("€ 𝄞 中文".utf8),
            [0xEF, 0xBF, 0xBF], [0xF4, 0x8F, 0xBF, 0xBF], // U+FFFF, U+10FFFF
            [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80], // just below and above the surrogates
        ]
        for bytes in cases {
            XCTAssertTrue(UTF8Validator.isValid(bytes), "\(bytes)")
        }
    }

    func testRejectsIllFormedSequences() {
        let cases: [(String, [UInt8])] = [
            ("lone continuation", [0x80]),
            ("overlong two-byte", [0xC0, 0xAF]),
            ("overlong three-byte", [0xE0, 0x80, 0xAF]),
            ("overlong four-byte", [0xF0, 0x80, 0x80, 0xAF]),
            ("surrogate", [0xED, 0xA0, 0x80]),
            ("above U+10FFFF", [0xF4, 0x90, 0x80, 0x80]),
            ("F5 lead byte", [0xF5, 0x80, 0x80, 0x80]),
            ("FF byte", [0xFF]),
            ("truncated", [0xE2, 0x82]),
            ("lead byte where continuation expected", [0xE2, 0x41, 0xAC]),
        ]
        for (name, bytes) in cases {
            XCTAssertFalse(UTF8Validator.isValid(bytes), name)
        }
    }

    func testJudgesTheSameWhateverTheSplit() {
        let samples: [[UInt8]] = [Array("a€𝄞b".utf8), [0x61, 0xED, 0xA0, 0x80], [0xF0, 0x9D, 0x84]]
        for bytes in samples {
            let whole = UTF8Validator.isValid(bytes)
            for cut in 0...bytes.count {
                var validator = UTF8Validator()
                let fed = validator.feed(bytes[..<cut]) && validator.feed(bytes[cut...])
                XCTAssertEqual(fed && validator.isAtCharacterBoundary, whole, "\(bytes) cut at \(cut)")
            }
        }
    }

    func testFailsAtTheFirstImpossibleByteBeforeTheMessageEnds() {
        var validator = UTF8Validator()
        XCTAssertTrue(validator.feed([0xCE, 0xBA]))
        XCTAssertTrue(validator.feed([0xE1]), "an unfinished character is not yet an error")
        XCTAssertFalse(validator.isAtCharacterBoundary)
        XCTAssertFalse(validator.feed([0x41]), "an ASCII byte cannot continue it")
    }
}
