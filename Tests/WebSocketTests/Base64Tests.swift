import XCTest
@testable import WebSocket

final class Base64Tests: XCTestCase {
    /// RFC 4648 §10.
    let vectors: [(String, String)] = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ]

    func testEncodesTheRFC4648Vectors() {
        for (plain, encoded) in vectors {
            XCTAssertEqual(Base64.encode(Array(plain.utf8)), encoded, plain)
        }
    }

    func testDecodesTheRFC4648Vectors() {
        for (plain, encoded) in vectors {
            XCTAssertEqual(Base64.decode(encoded), Array(plain.utf8), encoded)
        }
    }

    func testRoundTripsEveryByteValue() {
        let bytes = (0...255).map { UInt8($0) }
        for count in [0, 1, 2, 3, 16, 255, 256] {
            let slice = Array(bytes.prefix(count))
            XCTAssertEqual(Base64.decode(Base64.encode(slice)), slice, "\(count) bytes")
        }
    }

    func testRejectsNonCanonicalOrMalformedText() {
        let cases = [
            "Zg", "Zg=", "Zm9", // missing padding
            "Z===", "=Zg=", "Zg==Zg==", // padding in the wrong place
            "Zh==", "Zm9=", // leftover bits not zero
            "Zm9v YmFy", "Zm9v\n", "Zm$v", "Zm9vYmFy=", // stray characters
        ]
        for text in cases {
            XCTAssertNil(Base64.decode(text), text)
        }
    }
}
