import FabricValue
import Foundation

extension Kubeconfig {
    /// The cluster, TLS material and credentials of a context (`--context`, or
    /// `current-context`), with every file reference read and every `-data` field decoded.
    public func clusterConfig(context requested: String? = nil, trust: KubeconfigTrust = .local) throws(KubeConfigError) -> ClusterConfig {
        let where_ = "kubeconfig \(files.joined(separator: ":"))"
        guard let contextName = requested ?? currentContext else {
            throw KubeConfigError("\(where_): no current-context is set and no --context was given")
        }
        guard let context = contexts[contextName] else {
            let known = contextNames.isEmpty ? "none" : contextNames.joined(separator: ", ")
            throw KubeConfigError("\(where_): context \"\(contextName)\" is not defined (contexts: \(known))")
        }
        guard let clusterName = context.fields["cluster"]?.stringValue, !clusterName.isEmpty else {
            throw KubeConfigError("\(context.file): context \"\(contextName)\" names no cluster")
        }
        guard let cluster = clusters[clusterName] else {
            throw KubeConfigError("\(context.file): context \"\(contextName)\" names cluster \"\(clusterName)\", which is not defined")
        }
        guard let server = cluster.fields["server"]?.stringValue, !server.isEmpty else {
            throw KubeConfigError("\(cluster.file): cluster \"\(clusterName)\" has no server")
        }
        guard server.hasPrefix("https://") || server.hasPrefix("http://") else {
            throw KubeConfigError("\(cluster.file): cluster \"\(clusterName)\" server \"\(server)\" is not an http(s) URL")
        }
        let reader = FieldReader(trust: trust)
        var tls = TLSSettings()
        tls.insecureSkipVerify = cluster.fields["insecure-skip-tls-verify"]?.boolValue ?? false
        tls.certificateAuthorityPEM = try reader.bytes(cluster, "certificate-authority", owner: "cluster \"\(clusterName)\"")
        if tls.insecureSkipVerify && tls.certificateAuthorityPEM != nil {
            throw KubeConfigError("\(cluster.file): cluster \"\(clusterName)\" sets both insecure-skip-tls-verify and a certificate authority")
        }

        var credentials = Credentials.none
        if let userName = context.fields["user"]?.stringValue, !userName.isEmpty {
            guard let user = users[userName] else {
                throw KubeConfigError("\(context.file): context \"\(contextName)\" names user \"\(userName)\", which is not defined")
            }
            let owner = "user \"\(userName)\""
            tls.clientCertificatePEM = try reader.bytes(user, "client-certificate", owner: owner)
            tls.clientKeyPEM = try reader.bytes(user, "client-key", owner: owner)
            if (tls.clientCertificatePEM == nil) != (tls.clientKeyPEM == nil) {
                throw KubeConfigError("\(user.file): \(owner) has a client certificate without its key, or a key without its certificate")
            }
            credentials = try reader.credentials(user, owner: owner)
        }
        let namespace = context.fields["namespace"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        return ClusterConfig(server: server, tls: tls, credentials: credentials, namespace: namespace,
                             origin: "\(where_), context \(contextName)")
    }
}

/// Reads the file-or-data fields of one entry under a trust level.
private struct FieldReader {
    let trust: KubeconfigTrust

    /// `name-data` (base64) or `name` (a path relative to the entry's file), or nil when neither is set.
    func bytes(_ entry: Kubeconfig.Entry, _ name: String, owner: String) throws(KubeConfigError) -> [UInt8]? {
        let data = entry.fields["\(name)-data"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        let path = entry.fields[name]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        if data != nil && path != nil {
            throw KubeConfigError("\(entry.file): \(owner) sets both \(name) and \(name)-data")
        }
        if let data {
            guard let decoded = Data(base64Encoded: data, options: .ignoreUnknownCharacters) else {
                throw KubeConfigError("\(entry.file): \(owner) \(name)-data is not valid base64")
            }
            return Array(decoded)
        }
        guard let path else { return nil }
        return try read(path, entry: entry, what: "\(owner) \(name)")
    }

    func credentials(_ user: Kubeconfig.Entry, owner: String) throws(KubeConfigError) -> Credentials {
        if let token = user.fields["token"]?.stringValue, !token.isEmpty { return .token(token) }
        if let tokenFile = user.fields["tokenFile"]?.stringValue, !tokenFile.isEmpty {
            guard trust.allowFileReferences else {
                throw KubeConfigError("\(user.file): \(owner) tokenFile is a local file reference, refused in this kubeconfig")
            }
            return .tokenFile(resolve(tokenFile, in: user.folder))
        }
        if let exec = user.fields["exec"], case .object(let fields) = exec {
            guard trust.allowExec else {
                throw KubeConfigError("\(user.file): \(owner) uses an exec credential plugin, refused in this kubeconfig")
            }
            guard let command = fields["command"]?.stringValue, !command.isEmpty else {
                throw KubeConfigError("\(user.file): \(owner) exec has no command")
            }
            var environment: [String: String] = [:]
            for item in fields["env"]?.arrayValue ?? [] {
                if let name = item["name"]?.stringValue { environment[name] = item["value"]?.stringValue ?? "" }
            }
            return .exec(ExecPlugin(command: command,
                                    arguments: (fields["args"]?.arrayValue ?? []).compactMap(\.stringValue),
                                    environment: environment,
                                    apiVersion: fields["apiVersion"]?.stringValue ?? "client.authentication.k8s.io/v1",
                                    folder: user.folder))
        }
        if user.fields["auth-provider"] != nil {
            throw KubeConfigError("\(user.file): \(owner) uses an auth-provider, which is not supported (use an exec plugin)")
        }
        if user.fields["username"] != nil {
            throw KubeConfigError("\(user.file): \(owner) uses basic authentication, which is not supported")
        }
        return .none
    }

    private func read(_ path: String, entry: Kubeconfig.Entry, what: String) throws(KubeConfigError) -> [UInt8] {
        guard trust.allowFileReferences else {
            throw KubeConfigError("\(entry.file): \(what) names the local file \(path), refused in this kubeconfig")
        }
        let full = resolve(path, in: entry.folder)
        guard let data = FileManager.default.contents(atPath: full) else {
            throw KubeConfigError("\(entry.file): \(what) file \(full) cannot be read")
        }
        return Array(data)
    }

    private func resolve(_ path: String, in folder: String) -> String {
        if path.hasPrefix("/") { return path }
        if path.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"] { return home + path.dropFirst() }
        return URL(fileURLWithPath: folder).appendingPathComponent(path).path
    }
}
