import XCTest
@testable import WebSocket

final class SHA1Tests: XCTestCase {
    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    func testMatchesTheFIPS180Vectors() {
        let cases: [(String, String)] = [
            ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
            ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
            ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        ]
        for (message, digest) in cases {
            XCTAssertEqual(hex(SHA1.digest(Array(message.utf8))), digest, message)
        }
    }

    func testHashesOneMillionAsFedInUnevenPieces() {
        var hasher = SHA1()
        var remaining = 1_000_000
        var piece = 1
        while remaining > 0 {
            let count = min(piece, remaining)
            hasher.update(repeatElement(UInt8(ascii: "a"), count: count))
            remaining -= count
            piece = piece * 7 % 1000 + 1
        }
        XCTAssertEqual(hex(hasher.finalize()), "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    func testMessagesAroundTheBlockPaddingBoundary() {
        // Lengths 55, 56 and 64 take one or two padding blocks; checked against `sha1sum`.
        let cases: [(Int, String)] = [
            (55, "c1c8bbdc22796e28c0e15163d20899b65621d65a"),
            (56, "c2db330f6083854c99d4b5bfb6e8f29f201be699"),
            (64, "0098ba824b5c16427bd7a1122a5a442a25ec644d"),
        ]
        for (count, digest) in cases {
            XCTAssertEqual(hex(SHA1.digest(repeatElement(UInt8(ascii: "a"), count: count))), digest, "\(count) bytes")
        }
    }
}
