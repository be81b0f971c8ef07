import FabricValue
import Foundation
import Notifications
import Synchronization
import XCTest

/// The controller side as a fixed list of fabrics (the test double sits at the
/// directory protocol, the server's only edge toward the controller).
final class StaticDirectory: FabricDirectory {
    let summaries: [FabricSummary]
    let ready = Mutex(true)
    let syncRequests = Mutex<[String]>([])
    let refreshes = Mutex(0)

    init(_ summaries: [FabricSummary] = StaticDirectory.twoFabrics) { self.summaries = summaries }

    static let twoFabrics = [
        FabricSummary(namespace: "hedgehog", name: "dc1", syncStatus: "in_sync", ready: true, lastSyncTime: "2026-11-23T10:00:00Z",
                      revision: "main@sha1:0123456789012345678901234567890123456789", status: ["syncStatus": "in_sync", "observedGeneration": 2]),
        FabricSummary(namespace: "hedgehog", name: "lab", syncStatus: "error", ready: false, lastSyncTime: nil, revision: nil,
                      status: ["syncStatus": "error"]),
    ]

    func fabrics() async -> [FabricSummary] { summaries }
    func requestSync(_ fabricID: String) async -> Bool {
        guard summaries.contains(where: { $0.fabricID == fabricID }) else { return false }
        syncRequests.withLock { $0.append(fabricID) }
        return true
    }
    func refreshSource() async { refreshes.withLock { $0 += 1 } }
    func isReady() async -> Bool { ready.withLock { $0 } }
    func controllerMetrics() async -> ControllerMetrics { ControllerMetrics(queueDepth: 1, reconcilesTotal: 7) }
}

/// A notification server on a free loopback port with its own hub.
struct RunningServer {
    let server: NotificationServer
    let hub: EventHub
    let directory: StaticDirectory
    let port: Int
    let metricsPort: Int?
    var base: String { "http://127.0.0.1:\(port)" }

    static func start(_ configure: (inout NotificationServerOptions) -> Void = { _ in }) async throws -> RunningServer {
        // Background delivery, as `fabricsync run` uses.
        let hub = EventHub(replayCapacity: 1000, delivery: .background, now: { Date().timeIntervalSince1970 })
        let directory = StaticDirectory()
        var options = NotificationServerOptions()
        options.port = 0
        options.statsInterval = .seconds(3600)  // stats_update only where a test asks for it
        configure(&options)
        let server = NotificationServer(hub: hub, directory: directory, options: options)
        let (port, metricsPort) = try await server.start()
        return RunningServer(server: server, hub: hub, directory: directory, port: port, metricsPort: metricsPort)
    }

    func stop() async { await server.shutdown(grace: .seconds(1)) }

    /// Publishes `count` events for `hedgehog/dc1`, numbered in their data.
    @discardableResult
    func publish(_ count: Int, payloadBytes: Int = 0) -> [Envelope] {
        (0..<count).map { index in
            hub.publish(MessageType.syncProgress, fabricID: "hedgehog/dc1",
                        data: ["applied": .int(Int64(index)), "total": .int(Int64(count)), "padding": .string(String(repeating: "x", count: payloadBytes))])
        }
    }
}

/// Runs an independent client program and captures what it prints.
enum ExternalProcess {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ executable: String, _ arguments: [String], timeout: TimeInterval = 60) async throws -> Output {
        let process = try start(executable, arguments)
        return try await process.finish(timeout: timeout)
    }

    static func python(_ script: String, _ arguments: [String] = [], timeout: TimeInterval = 60) async throws -> Output {
        try await startPython(script, arguments).finish(timeout: timeout)
    }

    /// The `python3` on PATH (where pip put `websockets`), not necessarily the system one.
    static func startPython(_ script: String, _ arguments: [String] = []) throws -> Started {
        try start("/usr/bin/env", ["python3", "-c", script] + arguments)
    }

    static func start(_ executable: String, _ arguments: [String]) throws -> Started {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let started = Started(process: process)
        // Read both pipes while the process runs, so a large output cannot block it.
        started.group.enter()
        DispatchQueue.global().async { started.out.withLock { $0 = out.fileHandleForReading.readDataToEndOfFile() }; started.group.leave() }
        started.group.enter()
        DispatchQueue.global().async { started.err.withLock { $0 = err.fileHandleForReading.readDataToEndOfFile() }; started.group.leave() }
        return started
    }

    final class Started: Sendable {
        let process: Process
        let group = DispatchGroup()
        let out = Mutex(Data())
        let err = Mutex(Data())
        init(process: Process) { self.process = process }

        /// Waits off the cooperative pool: a blocked pool thread would starve the server under test.
        func finish(timeout: TimeInterval) async throws -> Output {
            try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global().async { continuation.resume(with: Result { try self.waitForExit(timeout: timeout) }) }
            }
        }

        private func waitForExit(timeout: TimeInterval) throws -> Output {
            if group.wait(timeout: .now() + timeout) == .timedOut {
                terminate()
                _ = group.wait(timeout: .now() + 5)
                throw NSError(domain: "test", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(process.executableURL?.path ?? "") did not finish in \(timeout) s: \(String(decoding: err.withLock { $0 }, as: UTF8.self))"])
            }
            process.waitUntilExit()
            return Output(status: process.terminationStatus, stdout: String(decoding: out.withLock { $0 }, as: UTF8.self), stderr: String(decoding: err.withLock { $0 }, as: UTF8.self))
        }

        /// SIGKILL: a test process may have left SIGTERM ignored, and children inherit that.
        func terminate() { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    }

    /// `curl -s` answering "<status>\n<body>".
    static func curl(_ arguments: [String]) async throws -> (status: Int, body: String) {
        let output = try await run("/usr/bin/curl", ["-s", "-w", "\n%{http_code}"] + arguments)
        let text = output.stdout
        guard let newline = text.lastIndex(of: "\n") else { return (0, text) }
        return (Int(text[text.index(after: newline)...]) ?? 0, String(text[..<newline]))
    }
}

extension String {
    /// nil when not JSON: the assertion that follows says what was expected.
    var json: Value? { try? JSONReader.parse(self) }
}
