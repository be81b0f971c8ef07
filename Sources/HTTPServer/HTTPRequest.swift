/// A request method. Any token is allowed; the common ones have names.
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public var description: String { rawValue }

    public static let GET = HTTPMethod("GET")
    public static let HEAD = HTTPMethod("HEAD")
    public static let POST = HTTPMethod("POST")
    public static let PUT = HTTPMethod("PUT")
    public static let PATCH = HTTPMethod("PATCH")
    public static let DELETE = HTTPMethod("DELETE")
    public static let OPTIONS = HTTPMethod("OPTIONS")
}

public struct HTTPVersion: Hashable, Sendable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }
    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)
    public var description: String { "HTTP/\(major).\(minor)" }
}

/// One parsed request, body read in full (the route's body limit bounds it).
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// The request-target as sent (`/api/v1/fabrics?fabric=a%2Fb`).
    public var target: String
    /// The path part of the target, still percent-encoded so that `%2F` stays apart from `/`.
    public var path: String
    /// The raw query after `?`, nil when there was no `?`.
    public var rawQuery: String?
    /// Decoded query items in order, repeated names kept.
    public var queryItems: [(name: String, value: String)]
    public var headers: HTTPHeaders
    public var body: [UInt8]
    public var httpVersion: HTTPVersion
    /// The peer's IP address as text (`127.0.0.1`, `::1`).
    public var remoteAddress: String
    public var remotePort: Int
    /// Values of the route's `{name}` segments, percent-decoded.
    public var pathParameters: [String: String]

    public init(
        method: HTTPMethod, target: String, headers: HTTPHeaders = [:], body: [UInt8] = [],
        httpVersion: HTTPVersion = .http1_1, remoteAddress: String = "", remotePort: Int = 0
    ) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.httpVersion = httpVersion
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
        self.pathParameters = [:]
        if let mark = target.firstIndex(of: "?") {
            path = String(target[..<mark])
            let query = String(target[target.index(after: mark)...])
            rawQuery = query
            queryItems = parseQuery(query)
        } else {
            path = target
            rawQuery = nil
            queryItems = []
        }
    }

    /// The first value of each query parameter.
    public var query: [String: String] {
        var result: [String: String] = [:]
        for item in queryItems where result[item.name] == nil { result[item.name] = item.value }
        return result
    }

    /// Every value of the query parameter `name` (`?a=1&a=2` → `["1", "2"]`).
    public func queryValues(_ name: String) -> [String] {
        queryItems.filter { $0.name == name }.map(\.value)
    }

    /// Cookies from every `Cookie` field (`a=1; b=2`); the first of a repeated name wins.
    public var cookies: [String: String] {
        var result: [String: String] = [:]
        for field in headers.values(for: "Cookie") {
            for pair in field.split(separator: ";") {
                let trimmed = trimmedOWS(pair)
                guard let eq = trimmed.firstIndex(of: "=") else { continue }
                let name = String(trimmed[..<eq])
                var value = trimmed[trimmed.index(after: eq)...]
                if value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"") { value = value.dropFirst().dropLast() }
                if result[name] == nil { result[name] = String(value) }
            }
        }
        return result
    }
}

/// Splits `a=1&b=x%20y&c` into decoded pairs; `+` means space as HTML forms send it.
func parseQuery(_ query: String) -> [(name: String, value: String)] {
    var items: [(name: String, value: String)] = []
    for part in query.split(separator: "&", omittingEmptySubsequences: true) {
        if let eq = part.firstIndex(of: "=") {
            items.append((percentDecoded(part[..<eq], plusIsSpace: true), percentDecoded(part[part.index(after: eq)...], plusIsSpace: true)))
        } else {
            items.append((percentDecoded(part, plusIsSpace: true), ""))
        }
    }
    return items
}

/// Decodes `%XX` escapes; a malformed escape is kept as written rather than refused.
func percentDecoded<S: StringProtocol>(_ text: S, plusIsSpace: Bool = false) -> String {
    let utf8 = Array(text.utf8)
    guard utf8.contains(where: { $0 == 0x25 || (plusIsSpace && $0 == 0x2B) }) else { return String(text) }
    var out: [UInt8] = []
    out.reserveCapacity(utf8.count)
    var i = 0
    while i < utf8.count {
        let byte = utf8[i]
        if byte == 0x25, i + 2 < utf8.count, let high = hexValue(utf8[i + 1]), let low = hexValue(utf8[i + 2]) {
            out.append(UInt8(high << 4 | low))
            i += 3
        } else {
            out.append(plusIsSpace && byte == 0x2B ? 0x20 : byte)
            i += 1
        }
    }
    return String(decoding: out, as: UTF8.self)
}

@inline(__always)
func hexValue(_ byte: UInt8) -> Int? {
    switch byte {
    case 0x30...0x39: return Int(byte - 0x30)
    case 0x41...0x46: return Int(byte - 0x41 + 10)
    case 0x61...0x66: return Int(byte - 0x61 + 10)
    default: return nil
    }
}
