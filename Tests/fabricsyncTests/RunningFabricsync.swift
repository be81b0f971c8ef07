import Foundation
import Synchronization
import XCTest

/// `fabricsync run --embedded-cluster` in the background, with its notification server on a free port.
final class RunningFabricsync: Sendable {
    let process: Process
    final class LogBuffer: Sendable {
        let text = Mutex("")
        func withLock<T>(_ body: (inout String) -> T) -> T { text.withLock { body(&$0) } }
    }
    let log = LogBuffer()
    let port: Int
    let directory: URL

    init(listen: String = "127.0.0.1:0", extraArguments: [String] = []) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fabricsync-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        process = Process()
        process.executableURL = FabricsyncProcess.binary
        process.arguments = ["run", "--embedded-cluster", "--source", "examples/fabrics", "--listen", listen,
                             "--embedded-kubeconfig", directory.appendingPathComponent("kubeconfig").path] + extraArguments
        process.currentDirectoryURL = FabricsyncProcess.packageRoot
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FABRICSYNC_") }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        let log = self.log
        err.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            log.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        var found: Int?
        while found == nil, Date() < deadline, process.isRunning {
            Thread.sleep(forTimeInterval: 0.05)
            found = log.withLock { text in
                guard let range = text.range(of: "notification server listening url=http://127.0.0.1:") else { return nil }
                return Int(text[range.upperBound...].prefix { $0.isNumber })
            }
        }
        guard let found else {
            process.terminate()
            throw NSError(domain: "fabricsync", code: 1, userInfo: [NSLocalizedDescriptionKey: "no notification server came up:\n\(log.withLock { $0 })"])
        }
        port = found
    }

    var server: String { "http://127.0.0.1:\(port)" }

    /// `fabricsync status` lists the three example fabrics, all Ready.
    func allReady() throws -> Bool {
        let status = try FabricsyncProcess.run(["status", "--server", server])
        return status.status == 0 && status.stdout.split(separator: "\n").count == 4
    }

    /// SIGTERM, then the exit status.
    func stop() -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)  // cleanup only
        return process.terminationStatus
    }

    /// Polls `condition` until it holds or `timeout` passes (a bound against hangs, not a speed claim).
    static func eventually(timeout: TimeInterval = 60, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return false
    }
}
