import Glibc

/// How the body of a request is delimited (RFC 9112 §6.3).
public enum BodyFraming: Equatable, Sendable {
    case none
    case contentLength(Int)
    case chunked
}

/// The request line and header fields, before any body.
public struct HTTPRequestHead: Equatable, Sendable {
    public var method: HTTPMethod
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var framing: BodyFraming

    /// Whether the client lets the connection stay open after this request (RFC 9112 §9.3):
    /// HTTP/1.1 unless it says `close`, HTTP/1.0 only when it asks for `keep-alive`.
    public var wantsKeepAlive: Bool {
        if headers.containsToken("close", in: "Connection") { return false }
        return version != .http1_0 || headers.containsToken("keep-alive", in: "Connection")
    }

    /// Whether the client sent `Expect: 100-continue` and waits before sending its body.
    public var expectsContinue: Bool {
        version != .http1_0 && headers.containsToken("100-continue", in: "Expect")
    }
}

/// Reads a request head incrementally: call `parse` with all unconsumed bytes each time more
/// arrive; it resumes scanning where it stopped, so a slow sender costs linear time. Limits are
/// checked while scanning, so an endless header line is refused without waiting for its end.
public struct HTTPRequestHeadParser: Sendable {
    public enum Result: Equatable, Sendable {
        case needMore
        /// `consumed` bytes (head and its blank line) belong to this request.
        case complete(HTTPRequestHead, consumed: Int)
        case failure(HTTPParseError)
    }

    public let limits: HTTPLimits
    private var scanned = 0
    private var requestLineStart: Int?
    private var requestLineEnd: Int?
    private var headerFields = 0
    private var lineStart = 0

    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    /// Forgets progress, ready for the next request on the connection.
    public mutating func reset() {
        self = HTTPRequestHeadParser(limits: limits)
    }

    public mutating func parse(_ bytes: [UInt8]) -> Result {
        bytes.withUnsafeBufferPointer { parse($0) }
    }

    public mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Result {
        var index = scanned
        let count = bytes.count
        if requestLineStart == nil {
            // RFC 9112 §2.2: ignore empty lines before the request line.
            while index < count, bytes[index] == 0x0D || bytes[index] == 0x0A { index += 1 }
            guard index < count else {
                scanned = index
                return index > limits.maxRequestLineBytes ? .failure(.badRequest("too many empty lines before the request")) : .needMore
            }
            requestLineStart = index
            lineStart = index
        }
        while index < count {
            guard let newline = firstNewline(bytes, from: index) else {
                scanned = count
                return limitFailure(openLineStart: lineStart, end: count) ?? .needMore
            }
            index = newline + 1
            let contentEnd = newline > lineStart && bytes[newline - 1] == 0x0D ? newline - 1 : newline
            if requestLineEnd == nil {
                if contentEnd - lineStart > limits.maxRequestLineBytes {
                    return .failure(.uriTooLong("request line longer than \(limits.maxRequestLineBytes) bytes"))
                }
                requestLineEnd = index
            } else if contentEnd == lineStart {
                scanned = index
                return finish(bytes, headEnd: index)
            } else {
                headerFields += 1
                if headerFields > limits.maxHeaderFields {
                    return .failure(.headersTooLarge("more than \(limits.maxHeaderFields) header fields"))
                }
            }
            lineStart = index
            if let failure = limitFailure(openLineStart: lineStart, end: index) { return failure }
        }
        scanned = index
        return .needMore
    }

    private func limitFailure(openLineStart: Int, end: Int) -> Result? {
        guard let requestLineEnd else {
            if end - (requestLineStart ?? 0) > limits.maxRequestLineBytes {
                return .failure(.uriTooLong("request line longer than \(limits.maxRequestLineBytes) bytes"))
            }
            return nil
        }
        if end - requestLineEnd > limits.maxHeaderBytes {
            return .failure(.headersTooLarge("header fields larger than \(limits.maxHeaderBytes) bytes"))
        }
        return nil
    }

    private func firstNewline(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress else { return nil }
        guard let found = memchr(base + start, 0x0A, bytes.count - start) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    private func finish(_ bytes: UnsafeBufferPointer<UInt8>, headEnd: Int) -> Result {
        var lines: [UnsafeBufferPointer<UInt8>] = []
        var start = requestLineStart ?? 0
        var i = start
        while i < headEnd {
            if bytes[i] == 0x0A {
                let end = i > start && bytes[i - 1] == 0x0D ? i - 1 : i
                lines.append(UnsafeBufferPointer(rebasing: bytes[start..<end]))
                start = i + 1
            }
            i += 1
        }
        // The last line is the blank one that ended the head.
        lines.removeLast()
        do {
            let head = try parseHead(requestLine: lines[0], headerLines: lines.dropFirst())
            return .complete(head, consumed: headEnd)
        } catch {
            return .failure(error)
        }
    }
}

private func parseHead(requestLine: UnsafeBufferPointer<UInt8>, headerLines: ArraySlice<UnsafeBufferPointer<UInt8>>) throws(HTTPParseError) -> HTTPRequestHead {
    let parts = requestLine.split(separator: 0x20, maxSplits: 2, omittingEmptySubsequences: false)
    guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
        throw .badRequest("malformed request line")
    }
    guard parts[0].allSatisfy(isTokenByte) else { throw .badRequest("malformed method") }
    guard parts[1].allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else { throw .badRequest("malformed request target") }
    let version = try parseVersion(parts[2])
    let method = HTTPMethod(String(decoding: parts[0], as: UTF8.self))
    let target = try originForm(String(decoding: parts[1], as: UTF8.self), method: method)

    var headers = HTTPHeaders()
    for line in headerLines {
        guard let first = line.first, first != 0x20, first != 0x09 else {
            throw .badRequest("obsolete line folding in header fields")
        }
        guard let colon = line.firstIndex(of: 0x3A), colon > 0 else { throw .badRequest("header field without a name") }
        let name = UnsafeBufferPointer(rebasing: line[..<colon])
        guard name.allSatisfy(isTokenByte) else { throw .badRequest("malformed header field name") }
        var valueStart = colon + 1, valueEnd = line.count
        while valueStart < valueEnd, line[valueStart] == 0x20 || line[valueStart] == 0x09 { valueStart += 1 }
        while valueEnd > valueStart, line[valueEnd - 1] == 0x20 || line[valueEnd - 1] == 0x09 { valueEnd -= 1 }
        let value = UnsafeBufferPointer(rebasing: line[valueStart..<valueEnd])
        guard value.allSatisfy({ $0 >= 0x20 && $0 != 0x7F || $0 == 0x09 || $0 >= 0x80 }) else {
            throw .badRequest("control character in a header field value")
        }
        headers.add(String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

    if version == .http1_1 {
        let hosts = headers.values(for: "Host")
        guard hosts.count == 1 else { throw .badRequest(hosts.isEmpty ? "HTTP/1.1 request without Host" : "more than one Host field") }
    }
    let framing = try bodyFraming(headers)
    return HTTPRequestHead(method: method, target: target, version: version, headers: headers, framing: framing)
}

private func parseVersion(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) throws(HTTPParseError) -> HTTPVersion {
    let text = Array(bytes)
    guard text.count == 8, text.starts(with: Array("HTTP/".utf8)), text[6] == 0x2E,
        let major = digitValue(text[5]), let minor = digitValue(text[7])
    else { throw .badRequest("malformed HTTP version") }
    guard major == 1 else { throw .versionNotSupported("HTTP/\(major).\(minor) is not supported") }
    // A later 1.x minor version is compatible with 1.1 (RFC 9110 §6.2).
    return minor == 0 ? .http1_0 : .http1_1
}

/// Reduces absolute-form (`http://host/path`) to origin-form; `*` is kept for OPTIONS.
private func originForm(_ target: String, method: HTTPMethod) throws(HTTPParseError) -> String {
    if target.hasPrefix("/") { return target }
    if target == "*" && method == .OPTIONS { return target }
    if let scheme = target.range(of: "://") {
        let rest = target[scheme.upperBound...]
        guard let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
        let path = String(rest[slash...])
        return path.hasPrefix("?") ? "/" + path : path
    }
    throw .badRequest("malformed request target")
}

private func bodyFraming(_ headers: HTTPHeaders) throws(HTTPParseError) -> BodyFraming {
    let transferEncodings = headers.values(for: "Transfer-Encoding")
    let lengths = headers.values(for: "Content-Length")
    if !transferEncodings.isEmpty {
        // Both at once is the request-smuggling shape (RFC 9112 §6.3): refuse rather than guess.
        guard lengths.isEmpty else { throw .badRequest("both Transfer-Encoding and Content-Length") }
        let codings = transferEncodings.flatMap { $0.split(separator: ",") }.map { trimmedOWS($0).lowercased() }
        guard codings == ["chunked"] else {
            throw .notImplemented("transfer coding \(codings.joined(separator: ", ")) is not supported")
        }
        return .chunked
    }
    guard !lengths.isEmpty else { return .none }
    var length: Int?
    for item in lengths.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false) }) {
        let digits = trimmedOWS(item)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw .badRequest("malformed Content-Length")
        }
        guard let value = Int(digits) else { throw .contentTooLarge("Content-Length out of range") }
        guard length == nil || length == value else { throw .badRequest("conflicting Content-Length values") }
        length = value
    }
    return length.map { $0 == 0 ? .none : .contentLength($0) } ?? .none
}

@inline(__always)
private func digitValue(_ byte: UInt8) -> Int? {
    byte >= 0x30 && byte <= 0x39 ? Int(byte - 0x30) : nil
}

/// tchar of RFC 9110 §5.6.2.
@inline(__always)
func isTokenByte(_ byte: UInt8) -> Bool {
    switch byte {
    case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
    case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
        UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
        UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
        return true
    default: return false
    }
}
