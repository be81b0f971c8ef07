import Foundation
import Glibc
import XCTest

/// Runs blocking work (socket reads, child processes) on its own thread, so it never occupies
/// one of the few cooperative threads the server's async handlers need.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

struct ProcessOutput: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs an independent client (curl, python3) to completion; killed after `timeout` against hangs.
func run(_ executable: String, _ arguments: [String], timeout: TimeInterval = 60) async throws -> ProcessOutput {
    try await blocking {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("http-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }  // a leftover temp folder is harmless
        let out = directory.appendingPathComponent("out"), err = directory.appendingPathComponent("err")
        guard FileManager.default.createFile(atPath: out.path, contents: nil) else { throw TestFailure("cannot create \(out.path)") }
        guard FileManager.default.createFile(atPath: err.path, contents: nil) else { throw TestFailure("cannot create \(err.path)") }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                process.terminate()
                throw TestFailure("\(executable) \(arguments) did not finish in \(timeout) s")
            }
            usleep(5_000)
        }
        return ProcessOutput(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: out), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
    }
}

func curl(_ arguments: [String]) async throws -> ProcessOutput {
    try await run("/usr/bin/curl", ["--silent", "--show-error", "--max-time", "30"] + arguments)
}

func python(_ script: String) async throws -> ProcessOutput {
    try await run("/usr/bin/env", ["python3", "-c", script])
}

/// A blocking TCP client on loopback for byte-exact requests. Every receive has a timeout,
/// so a server that never answers fails the test instead of hanging it.
/// `@unchecked Sendable`: a test hands it between its own steps, never to two threads at once.
final class RawClient: @unchecked Sendable {
    let fd: Int32

    /// `receiveBuffer` shrinks the kernel's receive buffer (set before connecting, so the window
    /// stays small): a client that stops reading then stalls the server quickly.
    init(port: Int, host: String = "127.0.0.1", receiveTimeout: TimeInterval = 30, receiveBuffer: Int32? = nil) throws {
        let v6 = host.contains(":")
        fd = socket(v6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(errno)") }
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var timeout = timeval(tv_sec: Int(receiveTimeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let result: Int32
        if v6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET6, host, &address.sin6_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET, host, &address.sin_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw TestFailure("connect to \(host):\(port): \(String(cString: strerror(code)))")
        }
    }

    deinit { close(fd) }

    /// Sends everything; false when the server closed or reset the connection first.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Some bytes; empty at end of stream or reset; throws on timeout.
    func receive(max: Int = 65536) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: max)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, max, 0) }
        if n < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK { throw TestFailure("receive timed out") }
            return []
        }
        return Array(buffer[0..<n])
    }

    /// Everything until the server closes the connection.
    func receiveUntilClosed() throws -> String {
        var all: [UInt8] = []
        while true {
            let chunk = try receive()
            if chunk.isEmpty { return String(decoding: all, as: UTF8.self) }
            all += chunk
        }
    }

    /// Everything until the connection ends, and whether it ended with a reset rather than a
    /// clean end of stream. Throws on timeout.
    func receiveToEnd() throws -> (bytes: [UInt8], reset: Bool) {
        var all: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n > 0 {
                all += buffer[0..<n]
            } else if n == 0 {
                return (all, false)
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                throw TestFailure("receive timed out after \(all.count) bytes")
            } else {
                return (all, errno == ECONNRESET)
            }
        }
    }

    /// Sends without blocking until the socket takes no more (or `limit`); returns the count sent.
    func sendWithoutBlocking(_ byte: UInt8, limit: Int) -> Int {
        let chunk = [UInt8](repeating: byte, count: 16 * 1024)
        var sent = 0
        while sent < limit {
            let n = chunk.withUnsafeBytes { Glibc.send(fd, $0.baseAddress!, min($0.count, limit - sent), Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            if n <= 0 { break }
            sent += n
        }
        return sent
    }

    private var pending: [UInt8] = []

    /// One response with a Content-Length body (or none), leaving later bytes for the next call.
    func receiveResponse() throws -> (status: Int, head: String, body: String) {
        while true {
            if let end = findHeadEnd(pending) {
                let head = String(decoding: pending[0..<end], as: UTF8.self)
                let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                if pending.count >= end + 4 + length {
                    let body = String(decoding: pending[(end + 4)..<(end + 4 + length)], as: UTF8.self)
                    pending.removeFirst(end + 4 + length)
                    let status = Int(head.split(separator: " ")[1]) ?? 0
                    return (status, head, body)
                }
            }
            let chunk = try receive()
            if chunk.isEmpty { throw TestFailure("connection closed before a whole response; got \(String(decoding: pending, as: UTF8.self))") }
            pending += chunk
        }
    }

    private func findHeadEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i
        }
        return nil
    }
}

/// Polls `condition` until it holds; fails after `timeout` (a guard against hangs, not a speed claim).
func waitUntil(timeout: Duration = .seconds(30), _ what: String, _ condition: @Sendable () async -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !(await condition()) {
        guard ContinuousClock.now < deadline else { throw TestFailure("timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(10))
    }
}
