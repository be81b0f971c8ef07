import Glibc

/// Serializes response heads. One per event loop: it caches the `Date` value for the current
/// second and the `Server` line, so the hot path appends bytes and formats nothing but numbers.
struct ResponseHeadWriter {
    enum ConnectionToken { case none, close, keepAlive, upgrade }
    enum BodyDelimiter { case length(Int), chunked, closeDelimited, none }

    private let serverLine: [UInt8]
    private let sendsDate: Bool
    private var dateSecond: time_t = -1
    private var dateLine: [UInt8] = []

    init(serverName: String?, sendsDate: Bool) {
        serverLine = serverName.map { Array("Server: \($0)\r\n".utf8) } ?? []
        self.sendsDate = sendsDate
    }

    mutating func write(
        status: Int, headers: HTTPHeaders, body: BodyDelimiter, connection: ConnectionToken, into out: inout [UInt8]
    ) {
        if status == 200 {
            out.append(contentsOf: "HTTP/1.1 200 OK\r\n".utf8)
        } else {
            out.append(contentsOf: "HTTP/1.1 \(status) \(reasonPhrase(status))\r\n".utf8)
        }
        if !serverLine.isEmpty && !headers.contains("Server") { out.append(contentsOf: serverLine) }
        if sendsDate && !headers.contains("Date") { out.append(contentsOf: currentDateLine()) }
        for field in headers {
            // Framing and connection management are the server's to decide, except the
            // `Connection: Upgrade` an upgrade answer carries.
            if asciiCaseInsensitiveEqual(field.name, "Content-Length") || asciiCaseInsensitiveEqual(field.name, "Transfer-Encoding") {
                continue
            }
            if connection != .upgrade && asciiCaseInsensitiveEqual(field.name, "Connection") { continue }
            out.append(contentsOf: field.name.utf8)
            out.append(0x3A)
            out.append(0x20)
            out.append(contentsOf: field.value.utf8)
            out.append(0x0D)
            out.append(0x0A)
        }
        switch body {
        case .length(let length):
            out.append(contentsOf: "Content-Length: ".utf8)
            appendDecimal(length, to: &out)
            out.append(0x0D)
            out.append(0x0A)
        case .chunked:
            out.append(contentsOf: "Transfer-Encoding: chunked\r\n".utf8)
        case .closeDelimited, .none:
            break
        }
        switch connection {
        case .close: out.append(contentsOf: "Connection: close\r\n".utf8)
        case .keepAlive: out.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        case .none, .upgrade: break
        }
        out.append(0x0D)
        out.append(0x0A)
    }

    private mutating func currentDateLine() -> [UInt8] {
        let now = time(nil)
        if now != dateSecond {
            dateSecond = now
            dateLine = Array("Date: \(httpDate(now))\r\n".utf8)
        }
        return dateLine
    }
}

/// IMF-fixdate (RFC 9110 §5.6.7): `Sun, 06 Nov 1994 08:49:37 GMT`.
func httpDate(_ seconds: time_t) -> String {
    var time = seconds
    var parts = tm()
    gmtime_r(&time, &parts)
    let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
    return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
        + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
}

func appendDecimal(_ value: Int, to out: inout [UInt8]) {
    if value < 10 {
        out.append(UInt8(0x30 + value))
        return
    }
    var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var count = 0
    var rest = value
    withUnsafeMutableBytes(of: &digits) { raw in
        while rest > 0 {
            raw[count] = UInt8(0x30 + rest % 10)
            rest /= 10
            count += 1
        }
        for i in stride(from: count - 1, through: 0, by: -1) { out.append(raw[i]) }
    }
}
