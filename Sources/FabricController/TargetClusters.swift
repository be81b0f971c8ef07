import FabricDiff
import FabricSource
import FabricValue
import Foundation
import KubeClient
import Synchronization

/// The Secret and key that hold a target cluster's kubeconfig.
public struct TargetSecretRef: Sendable, Hashable, CustomStringConvertible {
    public var namespace: String
    public var name: String
    public var key: String

    public init(namespace: String, name: String, key: String = "value") {
        self.namespace = namespace
        self.name = name
        self.key = key
    }

    /// The reference a Fabric's `spec.cluster` makes (the Secret lives in the Fabric's namespace); nil for the home cluster.
    public init?(fabric: Fabric) {
        guard let cluster = fabric.cluster else { return nil }
        self.init(namespace: fabric.namespace, name: cluster.kubeConfigSecretName, key: cluster.kubeConfigSecretKey)
    }

    /// `Secret hedgehog-system/dc1-kubeconfig key "value"` — names, never contents.
    public var description: String { "Secret \(namespace)/\(name) key \"\(key)\"" }
}

/// Resolves each Fabric to the cluster its members go to: the controller's
/// own cluster, or the one a kubeconfig Secret names. One client per Secret
/// and key, replaced when the Secret's content changes (its informers
/// stopped) and closed when no Fabric names it any more. A new client, or one
/// whose last use failed, is probed with a cheap `GET /version` first, so an
/// unreachable or refusing target fails fast with its own reason.
///
/// Nothing read from a Secret is ever put into a message: messages name the
/// Secret, the key and the server URL only.
public final class TargetClusters: Sendable {
    public struct Options: Sendable {
        /// For the target clusters' clients (timeouts, retries, rate limits).
        public var client: KubeClient.Options
        /// How long the probe of a new or failing target may take.
        public var probeTimeout: Duration

        public init(client: KubeClient.Options = KubeClient.Options(), probeTimeout: Duration = .seconds(5)) {
            self.client = client
            self.probeTimeout = probeTimeout
        }
    }

    private struct Entry {
        var digest: String
        var cluster: TrackedTargetCluster
    }

    public let home: any MemberCluster & FabricStore
    public let options: Options
    private let onChange: @Sendable (ObservedChange) -> Void
    private struct State {
        var entries: [TargetSecretRef: Entry] = [:]
        /// What each fabric named when it last resolved: the clients in use.
        var named: [String: TargetSecretRef] = [:]
    }

    private let state = Mutex(State())

    /// - Parameter onChange: given to every target's informers (drift), as the home cluster's.
    public init(home: any MemberCluster & FabricStore, options: Options = Options(), onChange: @escaping @Sendable (ObservedChange) -> Void = { _ in }) {
        self.home = home
        self.options = options
        self.onChange = onChange
    }

    deinit { closeAll() }

    /// The Secrets whose targets have an open client.
    public var openTargets: [TargetSecretRef] {
        state.withLock { Array($0.entries.keys) }.sorted { $0.description < $1.description }
    }

    /// The open client's cluster for a Secret (tests look into targets through it).
    public func cluster(for ref: TargetSecretRef) -> KubeCluster? {
        state.withLock { $0.entries[ref]?.cluster.base }
    }

    /// The fabric's cluster, or why it has none (`Reconciler.target`).
    public func resolve(_ fabric: Fabric) async -> TargetResolution {
        let named = TargetSecretRef(fabric: fabric)
        state.withLock { $0.named[fabric.id] = named }
        closeUnused()
        guard let ref = named else { return .cluster(home) }
        let bytes: [UInt8]
        switch await kubeconfigBytes(ref) {
        case .success(let read): bytes = read
        case .failure(let problem):
            if case .notConfigured = problem { discard(ref) }  // the Secret is gone or emptied: so is its client
            return problem.resolution
        }
        let digest = SHA256.hexDigest(bytes)
        if let entry = state.withLock({ $0.entries[ref] }), entry.digest == digest {
            guard entry.cluster.needsProbe else { return .cluster(entry.cluster) }
            if let failure = await probe(entry.cluster.base.client, ref: ref) { return failure }
            entry.cluster.markHealthy()
            return .cluster(entry.cluster)
        }
        let config: ClusterConfig
        switch TargetKubeconfig.config(bytes, ref: ref) {
        case .success(let parsed): config = parsed
        case .failure(let problem):
            discard(ref)
            return problem.resolution
        }
        let fresh = TrackedTargetCluster(base: KubeCluster(client: KubeClient(config: config, options: options.client), onChange: onChange))
        // Two fabrics naming the same new Secret may both get here: the first one's client is kept.
        let (created, replaced) = state.withLock { state -> (TrackedTargetCluster, TrackedTargetCluster?) in
            if let current = state.entries[ref], current.digest == digest { return (current.cluster, nil) }
            defer { state.entries[ref] = Entry(digest: digest, cluster: fresh) }
            return (fresh, state.entries[ref]?.cluster)
        }
        // A rotated token or CA: the old client's watches stop; the new one's start on first use.
        replaced?.base.close()
        if let failure = await probe(created.base.client, ref: ref) { return failure }
        created.markHealthy()
        return .cluster(created)
    }

    private func discard(_ ref: TargetSecretRef) {
        state.withLock { $0.entries.removeValue(forKey: ref) }?.cluster.base.close()
    }

    /// Stops every target's informers (at shutdown).
    public func closeAll() {
        let all = state.withLock { state -> [Entry] in
            defer { state.entries = [:] }
            return Array(state.entries.values)
        }
        for entry in all { entry.cluster.base.close() }
    }

    /// A Fabric deleted from the controller's cluster names nothing any more
    /// (give this every change the home cluster's watches see).
    public func observe(_ change: ObservedChange) {
        guard case .deleted(let object) = change, object["kind"]?.stringValue == Fabric.kind,
              object["apiVersion"]?.stringValue == Fabric.apiVersion,
              let namespace = object.value(at: "metadata", "namespace")?.stringValue,
              let name = object.value(at: "metadata", "name")?.stringValue else { return }
        let forgot = state.withLock { $0.named.removeValue(forKey: namespace + "/" + name) != nil }
        if forgot { closeUnused() }
    }

    /// Closes the clients of Secrets that no fabric's last resolve named.
    /// (Not the live Fabrics' specs: a dry run applies no Fabric.)
    func closeUnused() {
        let unused = state.withLock { state -> [Entry] in
            let inUse = Set(state.named.values)
            let gone = state.entries.keys.filter { !inUse.contains($0) }
            return gone.compactMap { state.entries.removeValue(forKey: $0) }
        }
        for entry in unused { entry.cluster.base.close() }
    }

    // MARK: - Steps

    /// The kubeconfig's bytes from the Secret, or why there are none.
    private func kubeconfigBytes(_ ref: TargetSecretRef) async -> Result<[UInt8], TargetProblem> {
        let secret: Value?
        do {
            secret = try await home.secret(namespace: ref.namespace, name: ref.name)
        } catch {
            let message = "Secret \(ref.namespace)/\(ref.name) cannot be read: \(error)"
            return .failure(error.status.map { [401, 403].contains($0.code) } == true ? .forbidden(message) : .unreachable(message))
        }
        guard let secret else {
            return .failure(.notConfigured("Secret \(ref.namespace)/\(ref.name), named by spec.cluster.kubeConfigSecretRef, does not exist"))
        }
        let data = secret["data"]?.objectValue ?? Object()
        guard let encoded = data[ref.key]?.stringValue else {
            let keys = data.keys.sorted()
            let known = keys.isEmpty ? "it holds no keys" : "its keys: " + keys.joined(separator: ", ")
            return .failure(.notConfigured("Secret \(ref.namespace)/\(ref.name) has no key \"\(ref.key)\" (\(known))"))
        }
        guard let decoded = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters) else {
            return .failure(.notConfigured("\(ref.description) is not valid base64"))
        }
        guard !decoded.isEmpty else { return .failure(.notConfigured("\(ref.description) is empty")) }
        return .success(Array(decoded))
    }

    /// `GET /version` with a short timeout and no retries: nil when the target answers.
    private func probe(_ client: KubeClient, ref: TargetSecretRef) async -> TargetResolution? {
        var probeOptions = client.options
        probeOptions.retry = .never
        probeOptions.requestTimeout = options.probeTimeout
        let prober = KubeClient(config: client.config, options: probeOptions)
        let server = client.config.server
        do {
            _ = try await prober.json(APIRequest(method: "GET", path: "/version"))
            return nil
        } catch {
            if let status = error.status, status.code == 401 || status.code == 403 {
                let why = status.code == 401 ? "does not accept the credentials" : "refuses the credentials"
                return .forbidden("target cluster \(server) (from \(ref.description)) \(why): \(status)")
            }
            return .unreachable("target cluster \(server) (from \(ref.description)) cannot be reached: \(error)")
        }
    }
}

/// Why a target has no client, as the resolution the reconciler turns into a condition.
enum TargetProblem: Error {
    case notConfigured(String)
    case unreachable(String)
    case forbidden(String)

    var resolution: TargetResolution {
        switch self {
        case .notConfigured(let message): return .notConfigured(message)
        case .unreachable(let message): return .unreachable(message)
        case .forbidden(let message): return .forbidden(message)
        }
    }
}

/// Reading a kubeconfig that came from a Secret: remote input, so exec
/// plugins and local file references are refused, as Flux refuses them.
enum TargetKubeconfig {
    static func config(_ bytes: [UInt8], ref: TargetSecretRef) -> Result<ClusterConfig, TargetProblem> {
        do {
            let kubeconfig = try Kubeconfig.parse(bytes, file: ref.description)
            return .success(try kubeconfig.clusterConfig(trust: .remote))
        } catch {
            return .failure(.notConfigured(message(for: error, ref: ref)))
        }
    }

    /// The kubeconfig errors name fields and the server, never credentials, so they can be shown.
    static func message(for error: KubeConfigError, ref: TargetSecretRef) -> String {
        let prefix = "Secret \(ref.namespace)/\(ref.name): key \"\(ref.key)\" holds a kubeconfig"
        if error.message.contains("exec credential plugin") {
            return "\(prefix) with an exec credential plugin, which is refused for remote clusters"
        }
        if error.message.contains("local file") {
            return "\(prefix) that refers to local files, which is refused for remote clusters (use the -data fields and token): \(error.message)"
        }
        return "\(prefix) that cannot be used: \(error.message)"
    }
}

/// A target's `KubeCluster` that remembers when a use failed for want of an
/// answer or of permission, so the next reconcile probes before trusting it.
/// Once a request got no answer (after the client's own retries), the rest of
/// the reconcile fails at once instead of waiting out a timeout per member:
/// a hung target gives its concurrency slot back quickly.
final class TrackedTargetCluster: MemberCluster {
    let base: KubeCluster
    private let state = Mutex<(probeNeeded: Bool, unanswered: KubeError?)>((true, nil))

    init(base: KubeCluster) { self.base = base }

    var needsProbe: Bool { state.withLock { $0.probeNeeded } }
    func markHealthy() { state.withLock { $0 = (false, nil) } }

    func isNamespaced(apiVersion: String, kind: String) async throws(KubeError) -> Bool {
        try await noting { () async throws(KubeError) in try await base.isNamespaced(apiVersion: apiVersion, kind: kind) }
    }

    func live(_ id: ObjectID) async throws(KubeError) -> Value? {
        try await noting { () async throws(KubeError) in try await base.live(id) }
    }

    func apply(_ object: Value, dryRun: Bool) async throws(KubeError) -> Value {
        try await noting { () async throws(KubeError) in try await base.apply(object, dryRun: dryRun) }
    }

    func delete(_ id: ObjectID, dryRun: Bool) async throws(KubeError) -> Bool {
        try await noting { () async throws(KubeError) in try await base.delete(id, dryRun: dryRun) }
    }

    func waitUntilEstablished(crdName: String, timeout: Duration) async throws(KubeError) {
        try await noting { () async throws(KubeError) in try await base.waitUntilEstablished(crdName: crdName, timeout: timeout) }
    }

    private func noting<T>(_ body: () async throws(KubeError) -> T) async throws(KubeError) -> T {
        if let unanswered = state.withLock({ $0.unanswered }) { throw unanswered }
        do {
            return try await body()
        } catch {
            switch error {
            case .transport: state.withLock { $0 = (true, error) }
            case .status(let status) where status.code == 401 || status.code == 403: state.withLock { $0.probeNeeded = true }
            default: break
            }
            throw error
        }
    }
}
