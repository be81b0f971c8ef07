import Dispatch
import FabricValue
import Foundation
import Glibc
import HTTPServer
import Notifications
import Synchronization
import WebSocket

/// `fabricsync-bench ws [--clients 1000] [--rate 20] [--seconds 30] [--padding 1024] [--burst-clients 100] [--burst 1000]`
///
/// The notification server under load, as the issue states it: server memory per idle subscribed
/// client (raw-socket clients, so only the server's side grows); then `--clients` WebSocket clients
/// subscribed to everything plus one that never reads, events at `--rate` per second for
/// `--seconds`: delivery latency percentiles, every live client complete and in order, the stalled
/// one cut off with 1013; then a burst of `--burst` events at once to `--burst-clients` clients.
/// The load clients run in this process, so latencies include their own scheduling on the same cores.
@Sendable func runNotificationsBenchmark(_ arguments: [String]) async throws {
    var options = ["--clients": "1000", "--rate": "20", "--seconds": "30", "--padding": "1024", "--burst-clients": "100", "--burst": "1000"]
    var index = 0
    while index + 1 < arguments.count {
        guard options[arguments[index]] != nil else { throw BenchmarkError("unknown option \(arguments[index])") }
        options[arguments[index]] = arguments[index + 1]
        index += 2
    }
    guard index == arguments.count else { throw BenchmarkError("option \(arguments[index]) needs a value") }
    let number = { (name: String) throws -> Int in
        guard let value = Int(options[name]!), value > 0 else { throw BenchmarkError("\(name) takes a positive number") }
        return value
    }
    let clients = try number("--clients"), rate = try number("--rate"), seconds = try number("--seconds")
    let padding = try number("--padding"), burstClients = try number("--burst-clients"), burst = try number("--burst")
    ignoreSIGPIPE()
    _ = raiseOpenFileLimit()

    let hub = EventHub(replayCapacity: 10_000, delivery: .background, now: { Date().timeIntervalSince1970 })
    var serverOptions = NotificationServerOptions()
    serverOptions.port = 0
    serverOptions.maxClients = clients + burstClients + 100
    serverOptions.maxClientsPerIP = 0
    serverOptions.statsInterval = .seconds(3600)  // only the benchmark's events on the stream
    let server = NotificationServer(hub: hub, directory: BenchDirectory(), options: serverOptions)
    let port = try await server.start().port

    // 1. Memory per idle subscribed client.
    let before = residentBytesNow()
    var idle: [RawWebSocketClient] = []
    for _ in 0..<clients { idle.append(try RawWebSocketClient(port: port)) }
    try await waitUntil(timeout: 60) { server.webSocketClientCount == clients }
    try await Task.sleep(for: .seconds(1))
    let after = residentBytesNow()
    print(String(format: "server memory per idle subscribed client: %.1f KiB (%d clients; resident %.1f -> %.1f MiB; goal < 64 KiB)",
                 Double(after - before) / Double(clients) / 1024, clients, Double(before) / 1_048_576, Double(after) / 1_048_576))
    for client in idle { client.close() }
    idle = []
    try await waitUntil(timeout: 60) { server.webSocketClientCount == 0 }

    // 2. Sustained load with one stalled client.
    let stalled = try RawWebSocketClient(port: port, receiveBuffer: 4096)
    let total = rate * seconds
    // Once the hub drops the stalled client, it starts reading, as a client that comes back would, to see why it was closed.
    let stalledClose = Task { () -> Int? in
        while hub.droppedSlowClients == 0 {
            do { try await Task.sleep(for: .milliseconds(20)) } catch { return nil }
        }
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: stalled.closeCode(timeout: 30)) }
        }
    }
    let load = try await deliver(events: total, to: clients, port: port, server: server) {
        let interval = Duration.nanoseconds(1_000_000_000 / rate)
        var next = ContinuousClock.now
        var publishTimes: [Duration] = []
        for _ in 0..<total {
            next += interval
            let start = ContinuousClock.now
            hub.publish(MessageType.syncProgress, fabricID: "bench/fabric", data: ["sent_ns": .int(Int64(DispatchTime.now().uptimeNanoseconds)), "padding": .string(String(repeating: "x", count: padding))])
            publishTimes.append(ContinuousClock.now - start)
            try await Task.sleep(until: next, clock: .continuous)
        }
        publishTimes.sort()
        // The publisher's cost is what a reconcile pays per event, whatever the clients do.
        print("publish (fan-out to every client, on the reconciler's side): median \(publishTimes[publishTimes.count / 2]), p99 \(publishTimes[publishTimes.count * 99 / 100]), max \(publishTimes.last!)")
    }
    print("\(clients) clients, \(total) events at \(rate)/s (\(padding) B padding): \(load.summary)")
    hub.waitForDelivery()
    if hub.droppedSlowClients == 0 {
        stalledClose.cancel()
        print("stalled client: not cut off; its backlog fit in the kernel's send buffer (tcp_wmem autotuning, up to 4 MiB here) plus the 256 KiB queue: raise --padding")
    } else {
        let code = await stalledClose.value
        print("stalled client: closed with \(code.map(String.init) ?? "no close frame"); slow clients dropped: \(hub.droppedSlowClients)")
    }
    stalled.close()
    try await waitUntil(timeout: 60) { server.webSocketClientCount == 0 }

    // 3. A burst at once.
    let burstResult = try await deliver(events: burst, to: burstClients, port: port, server: server) {
        for _ in 0..<burst {
            hub.publish(MessageType.syncProgress, fabricID: "bench/fabric", data: ["sent_ns": .int(Int64(DispatchTime.now().uptimeNanoseconds))])
        }
    }
    print("burst of \(burst) events to \(burstClients) clients: \(burstResult.summary)")
    await server.shutdown(grace: .seconds(2))
}

private struct BenchDirectory: FabricDirectory {
    func fabrics() async -> [FabricSummary] {
        [FabricSummary(namespace: "bench", name: "fabric", syncStatus: "in_sync", ready: true, lastSyncTime: nil, revision: nil, status: ["syncStatus": "in_sync"])]
    }
    func requestSync(_ fabricID: String) async -> Bool { true }
    func refreshSource() async {}
    func isReady() async -> Bool { true }
    func controllerMetrics() async -> ControllerMetrics { ControllerMetrics() }
}

private struct DeliveryResult {
    var clients: Int
    var complete: Int
    var inOrder: Int
    var latencies: [UInt64]

    var summary: String {
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return .nan }
            return Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1e6
        }
        return String(format: "%d/%d clients complete, %d in order; latency p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d deliveries)",
                      complete, clients, inOrder, percentile(0.5), percentile(0.99), percentile(1.0), sorted.count)
    }
}

/// Connects `count` clients subscribed to everything, runs `publish`, and collects what each received.
private func deliver(events: Int, to count: Int, port: Int, server: NotificationServer, publish: @escaping @Sendable () async throws -> Void) async throws -> DeliveryResult {
    let subscribed = SubscribedCount()
    return try await withThrowingTaskGroup(of: (Bool, Bool, [UInt64]).self) { group in
        for _ in 0..<count {
            group.addTask {
                let connection = try await WebSocketClient.connect(host: "127.0.0.1", port: port, path: "/api/v1/ws")
                var latencies: [UInt64] = []
                latencies.reserveCapacity(events)
                var lastSeq: Int64 = 0, inOrder = true
                for await message in connection.messages {
                    guard case .text(let text) = message else { continue }
                    let received = DispatchTime.now().uptimeNanoseconds
                    if text.hasPrefix(#"{"type":"connection_ack""#) {
                        try await connection.send(text: #"{"type":"subscribe_fabric","fabric_id":"*"}"#)
                        continue
                    }
                    if text.hasPrefix(#"{"type":"fabric_status""#) {
                        subscribed.value.add(1, ordering: .relaxed)
                        continue
                    }
                    guard let seq = integerField("seq", in: text), let sent = integerField("sent_ns", in: text) else { continue }
                    if lastSeq != 0 && seq != lastSeq + 1 { inOrder = false }
                    lastSeq = seq
                    latencies.append(received &- UInt64(sent))
                    if latencies.count == events { break }
                }
                connection.close()
                return (latencies.count == events, inOrder, latencies)
            }
        }
        try await waitUntil(timeout: 120) { subscribed.value.load(ordering: .relaxed) == count }
        try await publish()
        var result = DeliveryResult(clients: count, complete: 0, inOrder: 0, latencies: [])
        for try await (complete, inOrder, latencies) in group {
            result.complete += complete ? 1 : 0
            result.inOrder += inOrder ? 1 : 0
            result.latencies += latencies
        }
        return result
    }
}

private final class SubscribedCount: Sendable {
    let value = Atomic<Int>(0)
}

/// The integer after `"name":` in compact JSON, without parsing the whole message.
private func integerField(_ name: String, in text: String) -> Int64? {
    guard let range = text.range(of: "\"\(name)\":") else { return nil }
    return Int64(text[range.upperBound...].prefix { $0.isNumber })
}

private func waitUntil(timeout: Double, _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
    while !condition() {
        guard ContinuousClock.now < deadline else { throw BenchmarkError("timed out waiting after \(timeout) s") }
        try await Task.sleep(for: .milliseconds(20))
    }
}

private func residentBytesNow() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }  // Linux only; 0 says "unknown"
    let fields = text.split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
}

/// A blocking WebSocket client on a bare socket: handshake, subscribe to everything, then read
/// nothing until asked, so the server sees a client that has stopped reading.
private final class RawWebSocketClient: @unchecked Sendable {
    let fd: Int32
    private var pending: [UInt8]

    init(port: Int, receiveBuffer: Int32? = nil) throws {
        pending = []
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchmarkError("socket: \(String(cString: strerror(errno)))") }
        if var size = receiveBuffer { setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let socketFD = fd
        let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard connected == 0 else { throw BenchmarkError("connect: \(String(cString: strerror(errno)))") }
        let request = "GET /api/v1/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        try sendAll(Array(request.utf8))
        while !pending.containsHeadEnd {
            guard let bytes = receive() else { throw BenchmarkError("no handshake answer") }
            pending += bytes
        }
        let payload = Array(#"{"type":"subscribe_fabric","fabric_id":"*"}"#.utf8)
        let mask: [UInt8] = [1, 2, 3, 4]
        try sendAll([0x81, 0x80 | UInt8(payload.count)] + mask + payload.enumerated().map { $0.element ^ mask[$0.offset % 4] })
    }

    private func sendAll(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw BenchmarkError("send: \(String(cString: strerror(errno)))") }
            offset += sent
        }
    }

    private func receive() -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return count > 0 ? Array(buffer[0..<count]) : nil
    }

    /// Reads everything the server sent and answers the code of its close frame.
    func closeCode(timeout: Int) -> Int? {
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var buffer = pending.headEndIndex.map { Array(pending[$0...]) } ?? []
        while true {
            while buffer.count >= 2 {
                var length = Int(buffer[1] & 0x7F), offset = 2
                if length == 126 { guard buffer.count >= 4 else { break }; length = Int(buffer[2]) << 8 | Int(buffer[3]); offset = 4 }
                else if length == 127 { guard buffer.count >= 10 else { break }; length = buffer[2..<10].reduce(0) { $0 << 8 | Int($1) }; offset = 10 }
                guard buffer.count >= offset + length else { break }
                if buffer[0] & 0x0F == 8 { return length >= 2 ? Int(buffer[offset]) << 8 | Int(buffer[offset + 1]) : nil }
                buffer.removeFirst(offset + length)
            }
            guard let bytes = receive() else { return nil }
            buffer += bytes
        }
    }

    func close() { Glibc.close(fd) }
}

private extension Array where Element == UInt8 {
    var headEndIndex: Int? {
        guard count >= 4 else { return nil }
        for index in 0...(count - 4) where self[index] == 13 && self[index + 1] == 10 && self[index + 2] == 13 && self[index + 3] == 10 { return index + 4 }
        return nil
    }
    var containsHeadEnd: Bool { headEndIndex != nil }
}
