import HTTPServer
import XCTest

/// The parsers never trap on arbitrary bytes: a crash there would take every connection down.
final class ParserFuzzTests: XCTestCase {
    /// SplitMix64, so a failure can be replayed from its seed.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// Pieces that make near-valid requests, so mutations reach deep into the parser.
    private let pieces = ["GET", "POST", " ", "/", "/a?b=c", "HTTP/1.1", "HTTP/1.0", "\r\n", "\n", "\r", ":", "Host", "Content-Length",
                          "Transfer-Encoding", "chunked", "0", "5", "ff", ";x", "\t", "\u{0}", "é", "100-continue", "Expect", ","]

    func testRandomHeadsNeverTrap() {
        var generator = Generator(state: 42)
        var limits = HTTPLimits()
        limits.maxRequestLineBytes = 64
        limits.maxHeaderBytes = 256
        limits.maxHeaderFields = 8
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            for _ in 0..<generator.below(40) {
                if generator.below(4) == 0 {
                    bytes.append(UInt8(truncatingIfNeeded: generator.next()))
                } else {
                    bytes += Array(pieces[generator.below(pieces.count)].utf8)
                }
            }
            var parser = HTTPRequestHeadParser(limits: limits)
            var result = HTTPRequestHeadParser.Result.needMore
            var end = 0
            while end < bytes.count, result == .needMore {
                end = min(bytes.count, end + 1 + generator.below(8))
                result = parser.parse(Array(bytes[0..<end]))
            }
            if case .complete(_, let consumed) = result { XCTAssertLessThanOrEqual(consumed, end) }
            if case .failure(let error) = result { XCTAssertTrue([400, 413, 414, 431, 501, 505].contains(error.status), "\(error)") }
        }
    }

    func testRandomChunkedBodiesNeverTrap() {
        var generator = Generator(state: 7)
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            for _ in 0..<generator.below(30) {
                if generator.below(4) == 0 {
                    bytes.append(UInt8(truncatingIfNeeded: generator.next()))
                } else {
                    bytes += Array(pieces[generator.below(pieces.count)].utf8)
                }
            }
            var decoder = ChunkedBodyDecoder(limit: 64, maxLineBytes: 16, maxTrailerBytes: 32)
            var body: [UInt8] = []
            var buffer: [UInt8] = []
            var offset = 0
            var progress = ChunkedBodyDecoder.Progress.needMore
            while offset < bytes.count, progress == .needMore {
                let step = 1 + generator.below(6)
                buffer += bytes[offset..<min(bytes.count, offset + step)]
                offset += step
                let (consumed, next) = buffer.withUnsafeBufferPointer { decoder.decode($0, into: &body) }
                XCTAssertLessThanOrEqual(consumed, buffer.count)
                buffer.removeFirst(consumed)
                progress = next
            }
            XCTAssertLessThanOrEqual(body.count, 64, "never more than the limit")
        }
    }
}
