import Foundation
import FabricValue
import KubeEmulator

/// `fabricsync-bench emulator [--seconds N] [--connections N]`: requests per second the
/// emulator answers on loopback over keep-alive connections, per kind of request.
@Sendable func runEmulatorBenchmark(_ arguments: [String]) async throws {
    func option(_ name: String, _ fallback: Int) -> Int {
        guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1]) else { return fallback }
        return value
    }
    let seconds = option("--seconds", 3)
    let connections = option("--connections", 4)
    let emulator = try KubeEmulator()
    _ = try await emulator.start()
    let port = emulator.port
    let store = emulator.store
    guard let configmaps = store.resourceType(group: "", version: "v1", plural: "configmaps") else { return }
    for index in 0..<1_000 {
        let body: Value = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string("cm-\(index)")], "data": ["a": "1"]]
        _ = try store.create(configmaps, namespace: "default", body: body, options: WriteOptions(fieldManager: "bench"))
    }
    let apply = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm-1"},"data":{"a":"1"}}"#
    let scenarios: [(String, @Sendable (Int) -> String)] = [
        ("GET one ConfigMap", { _ in "GET /api/v1/namespaces/default/configmaps/cm-1 HTTP/1.1\r\nHost: bench\r\n\r\n" }),
        ("server-side apply, no change", { _ in
            "PATCH /api/v1/namespaces/default/configmaps/cm-1?fieldManager=bench HTTP/1.1\r\nHost: bench\r\nContent-Type: application/apply-patch+yaml\r\nContent-Length: \(apply.utf8.count)\r\n\r\n\(apply)"
        }),
        ("CREATE a ConfigMap", { counter in
            let body = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"new-"},"data":{"n":"\#(counter)"}}"#
            return "POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        }),
        ("LIST 1,000 ConfigMaps (limit=500)", { _ in "GET /api/v1/namespaces/default/configmaps?limit=500 HTTP/1.1\r\nHost: bench\r\n\r\n" }),
    ]
    print("emulator on 127.0.0.1:\(port), \(connections) keep-alive connections, \(seconds) s per scenario")
    for (name, request) in scenarios {
        let deadline = Date().addingTimeInterval(TimeInterval(seconds))
        // Blocking clients run on their own threads: the emulator's handlers need the cooperative pool.
        let counts = await withCheckedContinuation { (continuation: CheckedContinuation<Int, Never>) in
            let total = BenchTotal(expected: connections) { continuation.resume(returning: $0) }
            for _ in 0..<connections {
                Thread.detachNewThread {
                    var done = 0
                    do {
                        let connection = try BenchConnection(port: port)
                        defer { connection.close() }
                        while Date() < deadline {
                            try connection.roundTrip(request(done))
                            done += 1
                        }
                    } catch {
                        FileHandle.standardError.write(Data("connection failed: \(error)\n".utf8))
                    }
                    total.add(done)
                }
            }
        }
        let rate = Double(counts) / Double(seconds)
        print("\(name): \(counts) requests, \(Int(rate)) requests/s")
    }
    await emulator.shutdown()
}

/// Sums the per-thread counts and reports once every thread has.
private final class BenchTotal: @unchecked Sendable {
    private let lock = NSLock()
    private var sum = 0
    private var remaining: Int
    private let finish: @Sendable (Int) -> Void

    init(expected: Int, finish: @escaping @Sendable (Int) -> Void) {
        remaining = expected
        self.finish = finish
    }

    func add(_ count: Int) {
        let result: Int? = lock.withLock {
            sum += count
            remaining -= 1
            return remaining == 0 ? sum : nil
        }
        if let result { finish(result) }
    }
}

/// A blocking keep-alive HTTP/1.1 client: enough to read Content-Length and chunked answers.
private final class BenchConnection: @unchecked Sendable {
    let descriptor: Int32
    var buffer: [UInt8] = []

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw CocoaError(.fileReadUnknown) }
    }

    func close() { _ = Glibc.close(descriptor) }

    func roundTrip(_ request: String) throws {
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw CocoaError(.fileWriteUnknown) }
            sent += n
        }
        let head = try readHead()
        let lower = head.lowercased()
        if let range = lower.range(of: "content-length: ") {
            let length = Int(lower[range.upperBound...].prefix { $0.isNumber }) ?? 0
            try readExactly(length)
        } else if lower.contains("transfer-encoding: chunked") {
            while true {
                let line = try readLine()
                let size = Int(line.split(separator: ";").first ?? "0", radix: 16) ?? 0
                try readExactly(size)
                _ = try readLine()
                if size == 0 { break }
            }
        }
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { throw CocoaError(.fileReadUnknown) }
        buffer += chunk[0..<n]
    }

    private func readHead() throws -> String {
        while true {
            if let end = findTerminator() {
                let head = String(decoding: buffer[0..<end], as: UTF8.self)
                buffer.removeFirst(end + 4)
                return head
            }
            try fill()
        }
    }

    private func findTerminator() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4) where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return index
        }
        return nil
    }

    private func readLine() throws -> String {
        while true {
            if let index = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[0..<index], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                buffer.removeFirst(index + 1)
                return line
            }
            try fill()
        }
    }

    private func readExactly(_ count: Int) throws {
        while buffer.count < count { try fill() }
        buffer.removeFirst(count)
    }
}
