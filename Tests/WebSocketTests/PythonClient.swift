import Foundation
import Synchronization
import XCTest

/// Runs an inline python3 script as an independent WebSocket client and reads its JSON report lines.
enum PythonClient {
    /// Skips the calling test, saying why, unless python3 with the `websockets` package is installed.
    static func requireWebsockets() throws {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import websockets"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        do {
            try probe.run()
            probe.waitUntilExit()
        } catch {
            throw XCTSkip("python3 is not installed: interop with an independent WebSocket client cannot run (\(error))")
        }
        if probe.terminationStatus != 0 {
            throw XCTSkip("python3 lacks the 'websockets' package (pip install websockets): interop tests skipped")
        }
    }

    /// Runs `script` with `arguments`; returns each stdout line parsed as a JSON object.
    /// The timeout only guards against a hang.
    static func run(_ script: String, _ arguments: [String], timeout: TimeInterval = 60) async throws -> [[String: Any]] {
        let (status, output, errors) = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(Int32, Data, Data), Error>) in
            DispatchQueue.global().async {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = ["python3", "-c", script] + arguments
                let stdout = Pipe()
                let stderr = Pipe()
                process.standardOutput = stdout
                process.standardError = stderr
                do {
                    try process.run()
                } catch {
                    return continuation.resume(throwing: error)
                }
                DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                    if process.isRunning { process.terminate() }
                }
                // stderr is read on its own so a chatty script cannot fill one pipe while we wait on the other.
                let errorData = Mutexed<Data>(Data())
                let group = DispatchGroup()
                DispatchQueue.global().async(group: group) { errorData.set(stderr.fileHandleForReading.readDataToEndOfFile()) }
                let output = stdout.fileHandleForReading.readDataToEndOfFile()
                group.wait()
                process.waitUntilExit()
                continuation.resume(returning: (process.terminationStatus, output, errorData.get()))
            }
        }
        let text = String(decoding: output, as: UTF8.self)
        guard status == 0 else {
            throw PythonFailure(message: "python3 exited with \(status)\nstdout: \(text)\nstderr: \(String(decoding: errors, as: UTF8.self))")
        }
        return try text.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw PythonFailure(message: "not a JSON object: \(line)")
            }
            return object
        }
    }
}

struct PythonFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// A value shared between the reading threads above.
final class Mutexed<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    func set(_ newValue: Value) { value.withLock { $0 = newValue } }
    func get() -> Value { value.withLock { $0 } }
}

/// An inline python3 script serving on a port it prints as its first line; stopped by closing its stdin.
final class PythonServer: Sendable {
    let port: Int
    private let process: Process
    private let input: Pipe

    private init(port: Int, process: Process, input: Pipe) {
        self.port = port
        self.process = process
        self.input = input
    }

    static func start(_ script: String) async throws -> PythonServer {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<PythonServer, Error>) in
            DispatchQueue.global().async {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = ["python3", "-c", script]
                let input = Pipe()
                let output = Pipe()
                process.standardInput = input
                process.standardOutput = output
                do {
                    try process.run()
                } catch {
                    return continuation.resume(throwing: error)
                }
                var line = Data()
                while !line.contains(UInt8(ascii: "\n")) {
                    let chunk = output.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    line += chunk
                }
                let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                guard let port = Int(text) else {
                    process.terminate()
                    return continuation.resume(throwing: PythonFailure(message: "python server printed '\(text)' instead of its port"))
                }
                continuation.resume(returning: PythonServer(port: port, process: process, input: input))
            }
        }
    }

    func stop() {
        // Closing stdin is the script's signal to shut down; terminate is the fallback against a hang.
        try? input.fileHandleForWriting.close() // a failed close means the pipe is gone already
        DispatchQueue.global().asyncAfter(deadline: .now() + 10) { [process] in
            if process.isRunning { process.terminate() }
        }
        process.waitUntilExit()
    }
}
