import HTTPServer
import XCTest

/// Chunked request bodies: decoded whole, split anywhere, refused when malformed or over the limit.
final class ChunkedBodyDecoderTests: XCTestCase {
    private func decode(_ text: String, limit: Int = 100, split: Int? = nil) -> (body: String, progress: ChunkedBodyDecoder.Progress, leftover: Int) {
        var decoder = ChunkedBodyDecoder(limit: limit, maxLineBytes: 32, maxTrailerBytes: 64)
        let bytes = Array(text.utf8)
        var body: [UInt8] = []
        var buffer: [UInt8] = []
        var progress = ChunkedBodyDecoder.Progress.needMore
        // Feed `split` bytes at a time, keeping unconsumed bytes as the server's read buffer does.
        var offset = 0
        let step = split ?? bytes.count
        while offset < bytes.count, progress == .needMore {
            buffer += bytes[offset..<min(offset + step, bytes.count)]
            offset += step
            let (consumed, next) = buffer.withUnsafeBufferPointer { decoder.decode($0, into: &body) }
            buffer.removeFirst(consumed)
            progress = next
        }
        return (String(decoding: body, as: UTF8.self), progress, buffer.count + bytes.count - min(offset, bytes.count))
    }

    func testTable() {
        let cases: [(String, String, String, ChunkedBodyDecoder.Progress)] = [
            ("two chunks", "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world", .done),
            ("extensions and upper-case hex", "A;name=x\r\n0123456789\r\n0\r\n\r\n", "0123456789", .done),
            ("trailers dropped", "3\r\nabc\r\n0\r\nX-Sum: 1\r\n\r\n", "abc", .done),
            ("bare LF", "3\nabc\n0\n\n", "abc", .done),
            ("unfinished", "5\r\nhel", "hel", .needMore),
            ("bad size", "zz\r\nabc\r\n", "", .failure(HTTPParseError(status: 400, message: "malformed chunk size"))),
            ("data longer than size", "3\r\nabcdef\r\n0\r\n\r\n", "abc", .failure(HTTPParseError(status: 400, message: "chunk data longer than its size"))),
            ("over the limit", "65\r\n", "", .failure(HTTPParseError(status: 413, message: "body larger than 100 bytes"))),
            ("overflowing size", "ffffffffffffffffff\r\n", "", .failure(HTTPParseError(status: 413, message: "chunk size too large"))),
            ("size line too long", "1;" + String(repeating: "x", count: 40) + "\r\n", "", .failure(HTTPParseError(status: 400, message: "chunk size line too long"))),
        ]
        for (name, text, body, progress) in cases {
            for split in [nil, 1, 3] {
                let result = decode(text, split: split)
                XCTAssertEqual(result.progress, progress, "\(name) split \(String(describing: split))")
                if progress == .done || progress == .needMore {
                    XCTAssertEqual(result.body, body, "\(name) split \(String(describing: split))")
                }
            }
        }
    }

    func testManySmallChunksAddUpToTheLimit() {
        let chunk = "a\r\n0123456789\r\n"
        XCTAssertEqual(decode(String(repeating: chunk, count: 10) + "0\r\n\r\n").progress, .done)
        XCTAssertEqual(decode(String(repeating: chunk, count: 11)).progress, .failure(HTTPParseError(status: 413, message: "body larger than 100 bytes")))
    }
}
