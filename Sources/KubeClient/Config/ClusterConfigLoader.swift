import Foundation

/// Finds the cluster to talk to, in the order kubectl and client-go use:
/// `--kubeconfig`, `$KUBECONFIG`, the in-cluster service account, `~/.kube/config`.
public struct ClusterConfigLoader: Sendable {
    public var explicitPath: String?
    public var context: String?
    public var environment: [String: String]
    public var homeFolder: String?
    public var serviceAccountFolder: String

    public static let defaultServiceAccountFolder = "/var/run/secrets/kubernetes.io/serviceaccount"

    public init(explicitPath: String? = nil, context: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                homeFolder: String? = nil, serviceAccountFolder: String = ClusterConfigLoader.defaultServiceAccountFolder) {
        self.explicitPath = explicitPath
        self.context = context
        self.environment = environment
        self.homeFolder = homeFolder ?? environment["HOME"]
        self.serviceAccountFolder = serviceAccountFolder
    }

    public func load() throws(KubeConfigError) -> ClusterConfig {
        if let explicitPath, !explicitPath.isEmpty {
            return try Kubeconfig.load(paths: [explicitPath], requireAll: true).clusterConfig(context: context)
        }
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            return try Kubeconfig.load(paths: list.split(separator: ":").map(String.init)).clusterConfig(context: context)
        }
        if let inCluster = try InClusterConfig.load(environment: environment, serviceAccountFolder: serviceAccountFolder) {
            return inCluster
        }
        if let homeFolder {
            let path = homeFolder + "/.kube/config"
            if FileManager.default.fileExists(atPath: path) {
                return try Kubeconfig.load(paths: [path], requireAll: true).clusterConfig(context: context)
            }
        }
        throw KubeConfigError("no cluster configuration: no --kubeconfig, KUBECONFIG is unset, not running in a cluster (KUBERNETES_SERVICE_HOST unset), and no ~/.kube/config")
    }
}

/// The pod's own service account, as client-go's `rest.InClusterConfig` reads it.
public enum InClusterConfig {
    /// nil when not in a cluster (`KUBERNETES_SERVICE_HOST`/`_PORT` unset).
    public static func load(environment: [String: String], serviceAccountFolder: String = ClusterConfigLoader.defaultServiceAccountFolder) throws(KubeConfigError) -> ClusterConfig? {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
              let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty else { return nil }
        let tokenPath = serviceAccountFolder + "/token"
        guard FileManager.default.isReadableFile(atPath: tokenPath) else {
            throw KubeConfigError("in-cluster: KUBERNETES_SERVICE_HOST is set but the service-account token \(tokenPath) cannot be read")
        }
        guard let ca = FileManager.default.contents(atPath: serviceAccountFolder + "/ca.crt") else {
            throw KubeConfigError("in-cluster: the service-account CA \(serviceAccountFolder)/ca.crt cannot be read")
        }
        var namespace = "default"
        if let data = FileManager.default.contents(atPath: serviceAccountFolder + "/namespace") {
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty { namespace = text }
        }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return ClusterConfig(server: "https://\(hostPart):\(port)", tls: TLSSettings(certificateAuthorityPEM: Array(ca)),
                             credentials: .tokenFile(tokenPath), namespace: namespace, origin: "in-cluster service account")
    }
}
