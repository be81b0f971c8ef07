import HTTPServer
import XCTest

/// The request-head parser as a table: input bytes → head or the status the server answers.
final class RequestHeadParserTests: XCTestCase {
    enum Expected {
        case head(method: String, target: String, version: HTTPVersion, framing: BodyFraming, fields: Int)
        case status(Int)
        case needMore
    }

    private var limits: HTTPLimits {
        var limits = HTTPLimits()
        limits.maxRequestLineBytes = 64
        limits.maxHeaderBytes = 128
        limits.maxHeaderFields = 4
        return limits
    }

    private let cases: [(String, String, Expected)] = [
        ("simple GET", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", .head(method: "GET", target: "/", version: .http1_1, framing: .none, fields: 1)),
        ("bare LF line ends", "GET /x HTTP/1.1\nHost: a\n\n", .head(method: "GET", target: "/x", version: .http1_1, framing: .none, fields: 1)),
        ("leading empty lines skipped", "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", .head(method: "GET", target: "/", version: .http1_1, framing: .none, fields: 1)),
        ("HTTP/1.0 needs no Host", "GET / HTTP/1.0\r\n\r\n", .head(method: "GET", target: "/", version: .http1_0, framing: .none, fields: 0)),
        ("Content-Length body", "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\n", .head(method: "POST", target: "/p", version: .http1_1, framing: .contentLength(12), fields: 2)),
        ("zero Content-Length is no body", "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", .head(method: "POST", target: "/p", version: .http1_1, framing: .none, fields: 2)),
        ("repeated equal Content-Length", "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\n", .head(method: "POST", target: "/p", version: .http1_1, framing: .contentLength(3), fields: 2)),
        ("chunked body", "POST /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n", .head(method: "POST", target: "/p", version: .http1_1, framing: .chunked, fields: 2)),
        ("absolute-form target", "GET http://a:80/x?y=1 HTTP/1.1\r\nHost: a\r\n\r\n", .head(method: "GET", target: "/x?y=1", version: .http1_1, framing: .none, fields: 1)),
        ("later 1.x minor is 1.1", "GET / HTTP/1.7\r\nHost: a\r\n\r\n", .head(method: "GET", target: "/", version: .http1_1, framing: .none, fields: 1)),
        ("incomplete head", "GET / HTTP/1.1\r\nHost: a\r\n", .needMore),
        ("garbage request line", "HELLO\r\n\r\n", .status(400)),
        ("two spaces", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", .status(400)),
        ("method with bad byte", "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", .status(400)),
        ("target not a path", "GET x HTTP/1.1\r\nHost: a\r\n\r\n", .status(400)),
        ("malformed version", "GET / HTTP/x.1\r\nHost: a\r\n\r\n", .status(400)),
        ("HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", .status(505)),
        ("missing Host", "GET / HTTP/1.1\r\n\r\n", .status(400)),
        ("two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .status(400)),
        ("space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", .status(400)),
        ("obsolete folding", "GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\n", .status(400)),
        ("no colon", "GET / HTTP/1.1\r\nHost\r\n\r\n", .status(400)),
        ("both framings", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", .status(400)),
        ("conflicting lengths", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", .status(400)),
        ("negative length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", .status(400)),
        ("huge length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n", .status(413)),
        ("gzip transfer coding", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", .status(501)),
        ("request line over limit", "GET /" + String(repeating: "a", count: 80) + " HTTP/1.1\r\nHost: a\r\n\r\n", .status(414)),
        ("request line over limit, unfinished", "GET /" + String(repeating: "a", count: 80), .status(414)),
        ("headers over byte limit", "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "b", count: 200) + "\r\n\r\n", .status(431)),
        ("headers over byte limit, unfinished", "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "b", count: 200), .status(431)),
        ("too many fields", "GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", .status(431)),
    ]

    func testTable() {
        for (name, text, expected) in cases {
            var whole = HTTPRequestHeadParser(limits: limits)
            check(name + " (whole)", whole.parse(Array(text.utf8)), expected)
            // The same bytes arriving one at a time end the same way.
            var parser = HTTPRequestHeadParser(limits: limits)
            let bytes = Array(text.utf8)
            var result = HTTPRequestHeadParser.Result.needMore
            for end in 1...bytes.count {
                result = parser.parse(Array(bytes[0..<end]))
                if result != .needMore { break }
            }
            check(name + " (byte by byte)", result, expected)
        }
    }

    func testHeadersKeepOrderRepeatsAndCaseInsensitiveLookup() {
        var parser = HTTPRequestHeadParser()
        let text = "GET /a?x=1&x=2&y=a%20b+c HTTP/1.1\r\nHost: h\r\nAccept: a\r\naccept: b\r\nX-Pad:   v  \r\n\r\nNEXT"
        guard case .complete(let head, let consumed) = parser.parse(Array(text.utf8)) else { return XCTFail("not parsed") }
        XCTAssertEqual(consumed, text.utf8.count - 4)
        XCTAssertEqual(head.headers.values(for: "ACCEPT"), ["a", "b"])
        XCTAssertEqual(head.headers["x-pad"], "v")
        let request = HTTPRequest(method: head.method, target: head.target, headers: head.headers)
        XCTAssertEqual(request.path, "/a")
        XCTAssertEqual(request.rawQuery, "x=1&x=2&y=a%20b+c")
        XCTAssertEqual(request.query, ["x": "1", "y": "a b c"])
        XCTAssertEqual(request.queryValues("x"), ["1", "2"])
    }

    func testCookiesAreReadFromEveryCookieField() {
        let request = HTTPRequest(method: .GET, target: "/", headers: HTTPHeaders([("Cookie", "a=1; access_token=\"t0k\""), ("cookie", "b=2;a=9")]))
        XCTAssertEqual(request.cookies, ["a": "1", "access_token": "t0k", "b": "2"])
    }

    private func check(_ name: String, _ result: HTTPRequestHeadParser.Result, _ expected: Expected, file: StaticString = #filePath, line: UInt = #line) {
        switch (result, expected) {
        case (.needMore, .needMore):
            break
        case (.failure(let error), .status(let status)):
            XCTAssertEqual(error.status, status, "\(name): \(error.message)", file: file, line: line)
        case (.complete(let head, _), .head(let method, let target, let version, let framing, let fields)):
            XCTAssertEqual(head.method.rawValue, method, name, file: file, line: line)
            XCTAssertEqual(head.target, target, name, file: file, line: line)
            XCTAssertEqual(head.version, version, name, file: file, line: line)
            XCTAssertEqual(head.framing, framing, name, file: file, line: line)
            XCTAssertEqual(head.headers.count, fields, name, file: file, line: line)
        default:
            XCTFail("\(name): got \(result), expected \(expected)", file: file, line: line)
        }
    }
}
