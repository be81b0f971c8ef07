import Foundation
import HTTPServer
import WebSocket

/// `fabricsync-bench websocket [--clients 1000] [--round-trips 2000]`
///
/// The WebSocket layer on its own (the notification hub's load test is `ws`): the frame decoder's
/// throughput, the server's resident memory per idle connection (clients run in a child process
/// so only the server's side is counted), and echo round-trip latency over loopback.
@Sendable func runWebSocketBenchmark(_ arguments: [String]) async throws {
    if arguments.first == "--client-process" {
        return try await runWebSocketClientProcess(Array(arguments.dropFirst()))
    }
    var options = ["--clients": "1000", "--round-trips": "2000"]
    var index = 0
    while index + 1 < arguments.count {
        guard options[arguments[index]] != nil else { throw BenchmarkError("unknown option \(arguments[index])") }
        options[arguments[index]] = arguments[index + 1]
        index += 2
    }
    guard index == arguments.count else { throw BenchmarkError("option \(arguments[index]) needs a value") }
    guard let clients = Int(options["--clients"]!), let roundTrips = Int(options["--round-trips"]!) else {
        throw BenchmarkError("--clients and --round-trips take numbers")
    }
    ignoreSIGPIPE()
    raiseOpenFileLimit()

    measureDecoder()

    var router = Router()
    router.get("/ws") { request in
        WebSocketConnection.upgrade(request) { connection, _ in
            for await message in connection.messages {
                do {
                    try await connection.send(message)
                } catch {
                    break
                }
            }
        }
    }
    let server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0, maxConnections: clients + 100), router: router)
    let port = try await server.start()
    let before = residentBytes()

    let child = Process()
    child.executableURL = URL(fileURLWithPath: "/proc/self/exe")
    child.arguments = ["websocket", "--client-process", String(port), String(clients), String(roundTrips)]
    let input = Pipe()
    let output = Pipe()
    child.standardInput = input
    child.standardOutput = output
    try child.run()
    let lines = LineReader(output.fileHandleForReading)
    guard let ready = lines.next(), ready.hasPrefix("ready") else { throw BenchmarkError("the client process did not get ready") }
    try await Task.sleep(for: .seconds(1)) // let the connections settle into idleness
    let after = residentBytes()
    print(String(format: "server memory per idle connection: %.1f KiB (%d connections, resident %.1f MiB -> %.1f MiB; goal < 64 KiB)",
                 Double(after - before) / Double(clients) / 1024, clients, Double(before) / 1_048_576, Double(after) / 1_048_576))
    print("connecting \(clients) clients (handshake and one echo each): \(ready.dropFirst(6)) ms")
    guard let latency = lines.next() else { throw BenchmarkError("the client process reported no latency") }
    print(latency)
    try input.fileHandleForWriting.close()
    child.waitUntilExit()
    await server.shutdown(grace: .seconds(2))
}

/// Decodes a buffer of masked 200-byte text frames, as a server receives them.
private func measureDecoder() {
    let payload = Array(String(repeating: "fabric ", count: 29).prefix(200).utf8)
    let frame = WebSocketFrameEncoder.encode(WebSocketFrame(opcode: .text, payload: payload), maskingKey: (1, 2, 3, 4))
    let count = 200_000
    let stream = Array((0..<count).lazy.flatMap { _ in frame })
    let start = ContinuousClock.now
    var decoder = WebSocketFrameDecoder(role: .server, maximumFrameSize: 1 << 16)
    var assembler = WebSocketMessageAssembler(maximumMessageSize: 1 << 16)
    var decoded = 0
    var offset = 0
    do {
        while offset < stream.count {
            decoder.append(stream[offset..<min(offset + 65_536, stream.count)])
            offset += 65_536
            while let next = try decoder.nextFrame() {
                if try assembler.receive(next) != nil { decoded += 1 }
            }
        }
    } catch {
        print("decoder failed: \(error)")
        return
    }
    let seconds = Double((ContinuousClock.now - start).components.attoseconds) / 1e18 + Double((ContinuousClock.now - start).components.seconds)
    print(String(format: "decoder: %d masked 200-byte text frames in %.3f s: %.0f frames/s, %.1f MB/s (UTF-8 checked)",
                 decoded, seconds, Double(decoded) / seconds, Double(stream.count) / seconds / 1e6))
}

/// The child: opens the clients, reports, measures round trips, and holds the connections until stdin closes.
private func runWebSocketClientProcess(_ arguments: [String]) async throws {
    guard arguments.count == 3, let port = Int(arguments[0]), let count = Int(arguments[1]), let roundTrips = Int(arguments[2]) else {
        throw BenchmarkError("usage: websocket --client-process PORT CLIENTS ROUND_TRIPS")
    }
    ignoreSIGPIPE()
    raiseOpenFileLimit()
    let start = ContinuousClock.now
    var connections: [WebSocketConnection] = []
    // In batches, so the listen backlog never overflows.
    for batchStart in stride(from: 0, to: count, by: 100) {
        let batch = try await withThrowingTaskGroup(of: WebSocketConnection.self) { group in
            for _ in batchStart..<min(batchStart + 100, count) {
                group.addTask {
                    let connection = try await WebSocketClient.connect(host: "127.0.0.1", port: port, path: "/ws")
                    try await connection.send(text: "hello")
                    var iterator = connection.messages.makeAsyncIterator()
                    guard await iterator.next() == .text("hello") else { throw BenchmarkError("no echo") }
                    return connection
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        connections += batch
    }
    let elapsed = ContinuousClock.now - start
    print("ready \(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)")
    fflushStandardOutput()

    var samples: [Duration] = []
    samples.reserveCapacity(roundTrips)
    let probes = Array(connections.prefix(10))
    var iterators = probes.map { $0.messages.makeAsyncIterator() }
    for trip in 0..<roundTrips {
        let which = trip % probes.count
        let sent = ContinuousClock.now
        try await probes[which].send(text: "round trip \(trip)")
        guard await iterators[which].next() != nil else { throw BenchmarkError("connection closed during round trips") }
        samples.append(ContinuousClock.now - sent)
    }
    samples.sort()
    func milliseconds(_ quantile: Double) -> Double {
        let sample = samples[min(samples.count - 1, Int(Double(samples.count) * quantile))]
        return Double(sample.components.seconds) * 1000 + Double(sample.components.attoseconds) / 1e15
    }
    print(String(format: "echo round trip over loopback (%d trips, 1 at a time): p50 %.3f ms, p99 %.3f ms", roundTrips, milliseconds(0.5), milliseconds(0.99)))
    fflushStandardOutput()

    _ = FileHandle.standardInput.readDataToEndOfFile() // the parent closes stdin when it has measured
    for connection in connections { connection.close() }
}

private func fflushStandardOutput() {
    fflush(nil) // print() buffers when stdout is a pipe; the parent waits for each line
}

/// Resident set size from /proc/self/statm.
private func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 } // no /proc: report 0
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Reads lines from a pipe, blocking.
private final class LineReader {
    private let handle: FileHandle
    private var buffer = Data()

    init(_ handle: FileHandle) { self.handle = handle }

    func next() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                return line
            }
            let chunk = handle.availableData
            if chunk.isEmpty { return nil }
            buffer += chunk
        }
    }
}
