/// The clients of the Fabrics' target clusters, one per cluster, each with its
/// own transport, discovery cache, limiter and watches. A client is kept while
/// its kubeconfig (from a Secret) stays byte-for-byte the same, and replaced when it changes.
public final class ClusterClients: Sendable {
    private struct Entry {
        var kubeconfig: [UInt8]
        var client: KubeClient
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let options: KubeClient.Options

    public init(options: KubeClient.Options = KubeClient.Options()) { self.options = options }

    /// The client for `key` (the Fabric's `namespace/name`), built from a
    /// Secret's kubeconfig under remote trust: no exec plugins, no local files.
    /// - Returns: the client, and whether it is new (a new client needs new informers).
    public func client(for key: String, kubeconfig: [UInt8], source: String) throws(KubeConfigError) -> (client: KubeClient, isNew: Bool) {
        if let existing = entries.withLock({ $0[key] }), existing.kubeconfig == kubeconfig {
            return (existing.client, false)
        }
        let config = try ClusterConfig.fromSecretKubeconfig(kubeconfig, source: source)
        let client = KubeClient(config: config, options: options)
        entries.withLock { $0[key] = Entry(kubeconfig: kubeconfig, client: client) }
        return (client, true)
    }

    /// Forgets the client of a Fabric that was deleted or no longer names a cluster.
    public func remove(_ key: String) { entries.withLock { _ = $0.removeValue(forKey: key) } }

    public var keys: [String] { entries.withLock { $0.keys.sorted() } }
}
