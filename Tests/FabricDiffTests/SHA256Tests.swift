import FabricDiff
import XCTest

/// FIPS 180-4 / NIST example vectors.
final class SHA256Tests: XCTestCase {
    func testKnownVectors() {
        let rows: [(String, String)] = [
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
            ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
             "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        ]
        for (message, digest) in rows {
            XCTAssertEqual(SHA256.hexDigest(Array(message.utf8)), digest, message)
        }
    }

    func testOneMillionLetterA() {
        XCTAssertEqual(SHA256.hexDigest([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testIncrementalUpdatesInAnyChunkingGiveTheSameDigest() {
        let message = Array((0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let whole = SHA256.hash(message)
        for chunk in [1, 3, 55, 56, 63, 64, 65, 128, 999] {
            var hasher = SHA256()
            var offset = 0
            while offset < message.count {
                let end = min(offset + chunk, message.count)
                hasher.update(Array(message[offset..<end]))
                offset = end
            }
            XCTAssertEqual(hasher.finalize(), whole, "chunk \(chunk)")
        }
        var lazy = SHA256()
        lazy.update(message.lazy.map { $0 })
        XCTAssertEqual(lazy.finalize(), whole, "generic sequence")
    }
}
