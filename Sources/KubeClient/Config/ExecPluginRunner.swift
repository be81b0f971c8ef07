import FabricValue
import Foundation

/// Runs a kubeconfig `exec` credential plugin and reads its ExecCredential.
enum ExecPluginRunner {
    static func run(_ plugin: ExecPlugin) async throws(KubeConfigError) -> [UInt8] {
        let result: Result<[UInt8], KubeConfigError> = await withCheckedContinuation { continuation in
            // Process and its pipe reads block: keep them off the cooperative pool.
            let thread = Thread { continuation.resume(returning: runBlocking(plugin)) }
            thread.start()
        }
        return try result.get()
    }

    private static func runBlocking(_ plugin: ExecPlugin) -> Result<[UInt8], KubeConfigError> {
        let process = Process()
        if plugin.command.contains("/") {
            let path = plugin.command.hasPrefix("/") ? plugin.command : URL(fileURLWithPath: plugin.folder).appendingPathComponent(plugin.command).path
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = plugin.arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [plugin.command] + plugin.arguments
        }
        var environment = ProcessInfo.processInfo.environment
        environment.merge(plugin.environment) { _, new in new }
        environment["KUBERNETES_EXEC_INFO"] = JSONWriter.string(.object(Object([
            ("apiVersion", .string(plugin.apiVersion)), ("kind", .string("ExecCredential")),
            ("spec", .object(Object([("interactive", .bool(false))]))),
        ])))
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return .failure(KubeConfigError("exec credential plugin \(plugin.command) cannot be started: \(error)"))
        }
        // Both pipes are drained at once, so a chatty plugin cannot block on a full stderr.
        let errorText = ErrorText()
        let errorsRead = DispatchSemaphore(value: 0)
        Thread {
            errorText.set(String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
            errorsRead.signal()
        }.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        errorsRead.wait()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let detail = errorText.get().trimmingCharacters(in: .whitespacesAndNewlines)
            return .failure(KubeConfigError("exec credential plugin \(plugin.command) exited with \(process.terminationStatus)\(detail.isEmpty ? "" : ": " + detail)"))
        }
        return .success(Array(data))
    }

    /// The token and/or client certificate, and their expiry, from an ExecCredential.
    static func parse(_ output: [UInt8], plugin: ExecPlugin) throws(KubeConfigError) -> (token: String?, identity: ClientIdentity?, expiry: Date?) {
        let value: Value
        do {
            value = try JSONReader.parse(output)
        } catch {
            throw KubeConfigError("exec credential plugin \(plugin.command) printed no ExecCredential JSON: \(error)")
        }
        guard value["kind"]?.stringValue == "ExecCredential", let status = value["status"]?.objectValue else {
            throw KubeConfigError("exec credential plugin \(plugin.command) printed no ExecCredential with a status")
        }
        let token = status["token"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        // The certificate and key come as PEM text, not base64.
        let certificate = status["clientCertificateData"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        let key = status["clientKeyData"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        if (certificate == nil) != (key == nil) {
            throw KubeConfigError("exec credential plugin \(plugin.command) returned clientCertificateData without clientKeyData, or the reverse")
        }
        let identity = certificate.map { ClientIdentity(certificatePEM: Array($0.utf8), keyPEM: Array((key ?? "").utf8)) }
        guard token != nil || identity != nil else {
            throw KubeConfigError("exec credential plugin \(plugin.command) returned neither status.token nor a client certificate")
        }
        var expiry: Date?
        if let stamp = status["expirationTimestamp"]?.stringValue {
            guard let date = ISO8601DateFormatter().date(from: stamp) else {
                throw KubeConfigError("exec credential plugin \(plugin.command) returned an unreadable expirationTimestamp \(stamp)")
            }
            expiry = date
        }
        return (token, identity, expiry)
    }
}

private final class ErrorText: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    func set(_ value: String) { lock.withLock { text = value } }
    func get() -> String { lock.withLock { text } }
}
