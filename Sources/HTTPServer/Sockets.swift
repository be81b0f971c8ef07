import Glibc

/// Raises the soft open-file limit to the hard limit and returns the new soft limit.
/// The usual soft default of 1,024 is too low for thousands of connections.
@discardableResult
public func raiseOpenFileLimit() -> Int {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return -1 }
    if limit.rlim_cur < limit.rlim_max {
        limit.rlim_cur = limit.rlim_max
        // A refusal leaves the old limit, which the return value reports; nothing else to do.
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
    return Int(limit.rlim_cur)
}

/// A write to a peer that has gone away must be an error, not a signal that kills the process.
public func ignoreSIGPIPE() {
    signal(SIGPIPE, SIG_IGN)
}

func errnoText(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}

func systemError(_ code: String, _ what: String, _ err: Int32 = errno) -> HTTPServerError {
    HTTPServerError(code: code, message: "\(what): \(errnoText(err))")
}

/// Creates a non-blocking listening socket and returns it with the port actually bound.
func makeListener(host: String, port: Int, backlog: Int32) throws(HTTPServerError) -> (fd: Int32, port: Int) {
    var storage = sockaddr_storage()
    var length: socklen_t
    let family: Int32
    var v4 = in_addr(), v6 = in6_addr()
    if inet_pton(AF_INET, host, &v4) == 1 {
        family = AF_INET
        length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutableBytes(of: &storage) { raw in
            let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
            address.pointee.sin_family = sa_family_t(AF_INET)
            address.pointee.sin_port = in_port_t(UInt16(port).bigEndian)
            address.pointee.sin_addr = v4
        }
    } else if inet_pton(AF_INET6, host, &v6) == 1 {
        family = AF_INET6
        length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        withUnsafeMutableBytes(of: &storage) { raw in
            let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
            address.pointee.sin6_family = sa_family_t(AF_INET6)
            address.pointee.sin6_port = in_port_t(UInt16(port).bigEndian)
            address.pointee.sin6_addr = v6
        }
    } else {
        throw HTTPServerError(code: "bad-address", message: "\(host) is not an IP address")
    }
    let fd = socket(family, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw systemError("socket", "socket()") }
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    var one: Int32 = 1
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
    if family == AF_INET6 && host == "::" {
        // `::` means every address, IPv4 included, whatever the system default says.
        var zero: Int32 = 0
        setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &zero, socklen_t(MemoryLayout<Int32>.size))
    }
    let bound = withUnsafePointer(to: &storage) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    guard bound == 0 else {
        let err = errno
        close(fd)
        throw systemError(err == EADDRINUSE ? "address-in-use" : "bind", "bind \(host):\(port)", err)
    }
    guard listen(fd, backlog) == 0 else {
        let err = errno
        close(fd)
        throw systemError("listen", "listen", err)
    }
    length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    _ = withUnsafeMutablePointer(to: &storage) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return (fd, socketAddress(storage).port)
}

/// The IP text and port of a socket address.
func socketAddress(_ storage: sockaddr_storage) -> (host: String, port: Int) {
    var storage = storage
    var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
    return withUnsafeMutableBytes(of: &storage) { raw -> (String, Int) in
        switch Int32(raw.load(as: sockaddr.self).sa_family) {
        case AF_INET:
            var address = raw.load(as: sockaddr_in.self)
            inet_ntop(AF_INET, &address.sin_addr, &buffer, socklen_t(buffer.count))
            return (cString(buffer), Int(UInt16(bigEndian: address.sin_port)))
        case AF_INET6:
            var address = raw.load(as: sockaddr_in6.self)
            inet_ntop(AF_INET6, &address.sin6_addr, &buffer, socklen_t(buffer.count))
            var host = cString(buffer)
            // An IPv4 client on a dual-stack socket is shown as plain IPv4.
            if host.hasPrefix("::ffff:") && host.contains(".") { host.removeFirst(7) }
            return (host, Int(UInt16(bigEndian: address.sin6_port)))
        default:
            return ("", 0)
        }
    }
}

private func cString(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}
