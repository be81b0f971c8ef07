import ChildProcess
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
        let executable = plugin.command.contains("/") && !plugin.command.hasPrefix("/")
            ? URL(fileURLWithPath: plugin.folder).appendingPathComponent(plugin.command).path
            : plugin.command
        var environment = ProcessInfo.processInfo.environment
        environment.merge(plugin.environment) { _, new in new }
        environment["KUBERNETES_EXEC_INFO"] = JSONWriter.string(.object(Object([
            ("apiVersion", .string(plugin.apiVersion)), ("kind", .string("ExecCredential")),
            ("spec", .object(Object([("interactive", .bool(false))]))),
        ])))
        let result: (status: Int32, output: [UInt8], errors: [UInt8])
        do {
            result = try ChildProcess.run(executable, plugin.arguments, environment: environment)
        } catch {
            return .failure(KubeConfigError("exec credential plugin \(plugin.command) cannot be started: \(error)"))
        }
        guard result.status == 0 else {
            let detail = String(decoding: result.errors, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return .failure(KubeConfigError("exec credential plugin \(plugin.command) exited with \(result.status)\(detail.isEmpty ? "" : ": " + detail)"))
        }
        return .success(result.output)
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
