import XCTest
import Foundation
@preconcurrency import FoundationNetworking
import FabricValue
@testable import KubeEmulator

/// A started emulator and a tiny client over URLSession, for the HTTP-level tests.
final class EmulatorHarness: @unchecked Sendable {
    let emulator: KubeEmulator
    let url: URL
    let folder: URL

    init(configuration: KubeEmulator.Configuration = .init()) async throws {
        emulator = try KubeEmulator(configuration: configuration)
        url = try await emulator.start()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("kube-emulator-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func stop() async {
        await emulator.shutdown()
        try? FileManager.default.removeItem(at: folder)
        // `try?`: a leftover temp folder must not fail a test.
    }

    struct Response {
        var status: Int
        var headers: [String: String]
        var body: Data
        var json: Value { (try? JSONReader.parse(Array(body))) ?? .null }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    func request(_ method: String, _ path: String, body: Value? = nil, rawBody: Data? = nil, contentType: String = "application/json",
                 headers: [String: String] = [:]) async throws -> Response {
        var request = URLRequest(url: URL(string: url.absoluteString + path)!)
        request.httpMethod = method
        if let body { request.httpBody = Data(JSONWriter.data(body)) } else if let rawBody { request.httpBody = rawBody }
        if request.httpBody != nil { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields { fields[String(describing: key).lowercased()] = String(describing: value) }
        return Response(status: http.statusCode, headers: fields, body: data)
    }

    /// Runs a program (curl, kubectl) off the cooperative pool and returns its exit status and output.
    func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:], input: Data? = nil) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    continuation.resume(returning: try self.runBlocking(executable, arguments, environment: environment, input: input))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    func runBlocking(_ executable: String, _ arguments: [String], environment: [String: String] = [:], input: Data? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let inputPipe = Pipe()
        process.standardInput = inputPipe
        try process.run()
        if let input { inputPipe.fileHandleForWriting.write(input) }
        try inputPipe.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}
