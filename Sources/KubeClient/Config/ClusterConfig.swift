/// Everything needed to talk to one cluster: where it is, whom to trust, who we are.
public struct ClusterConfig: Sendable {
    /// The API server's base URL, without a trailing slash (`https://10.0.0.1:6443`).
    public var server: String
    public var tls: TLSSettings
    public var credentials: Credentials
    /// The namespace for objects that name none (the context's, or the service account's).
    public var namespace: String
    /// Where this came from, for messages: `kubeconfig /root/.kube/config, context kind-dc1`, `in-cluster`.
    public var origin: String

    public init(server: String, tls: TLSSettings = TLSSettings(), credentials: Credentials = .none, namespace: String = "default", origin: String = "") {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.tls = tls
        self.credentials = credentials
        self.namespace = namespace
        self.origin = origin
    }
}

/// How requests prove who we are, beyond a TLS client certificate.
public enum Credentials: Sendable {
    case none
    case token(String)
    /// A token file that is re-read when it changes (bound service-account tokens rotate).
    case tokenFile(String)
    /// A credential plugin (EKS, GKE): run to obtain a token.
    case exec(ExecPlugin)
}

/// The `exec` stanza of a kubeconfig user.
public struct ExecPlugin: Sendable, Equatable {
    public var command: String
    public var arguments: [String]
    public var environment: [String: String]
    public var apiVersion: String
    /// The kubeconfig's folder: a relative command path with a slash is resolved against it, as kubectl does.
    public var folder: String

    public init(command: String, arguments: [String] = [], environment: [String: String] = [:], apiVersion: String = "client.authentication.k8s.io/v1", folder: String = ".") {
        self.command = command
        self.arguments = arguments
        self.environment = environment
        self.apiVersion = apiVersion
        self.folder = folder
    }
}

/// A configuration that cannot be used, with a message that names the piece that is wrong.
public struct KubeConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension ClusterConfig {
    /// The cluster a Fabric names through `spec.cluster.kubeConfigSecretRef`:
    /// the Secret's kubeconfig, which may neither run programs nor name local files.
    /// - Parameter source: names the Secret in messages (`secret hedgehog-system/dc1-kubeconfig key value`).
    public static func fromSecretKubeconfig(_ bytes: [UInt8], source: String, context: String? = nil) throws(KubeConfigError) -> ClusterConfig {
        try Kubeconfig.parse(bytes, file: source).clusterConfig(context: context, trust: .remote)
    }
}
