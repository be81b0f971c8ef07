import ArgumentParsing
import FabricSource
import FabricValue
import Foundation
import KubeClient
import KubeEmulator

/// How `run` and `diff` reach a cluster: the embedded emulator, or
/// `--kubeconfig`, `$KUBECONFIG`, in-cluster, `~/.kube/config` in that order.
struct ClusterSetup {
    var client: KubeClient
    var emulator: KubeEmulator?
    /// `--embedded-targets N`: more emulators, each named by a kubeconfig Secret in the home emulator.
    var targets: [KubeEmulator] = []

    /// Stops the embedded emulators, if any.
    func shutdown() async {
        for target in targets { await target.shutdown() }
        await emulator?.shutdown()
    }

    static let options: [OptionSpec] = [
        .value("kubeconfig", "PATH", help: "Kubeconfig to use (else $KUBECONFIG, in-cluster, ~/.kube/config)."),
        .value("context", "NAME", help: "Kubeconfig context to use."),
        .flag("embedded-cluster", help: "Start the in-process Kubernetes API emulator, install manifests/crds/ into it, and use it."),
        .value("embedded-kubeconfig", "PATH", help: "Where to write the embedded cluster's kubeconfig.", default: ".fabricsync/kubeconfig"),
        .value("embedded-listen", "HOST:PORT", help: "Where the embedded cluster listens.", default: "127.0.0.1:0"),
        .value("crds", "DIR", help: "CRDs installed into the embedded cluster.", default: "manifests/crds"),
        .value("kube-api-qps", "N", help: "Requests per second to the Kubernetes API (client-side limit).", default: "2000"),
        .value("kube-api-burst", "N", help: "Requests allowed in a burst above the QPS.", default: "4000"),
        .value("embedded-targets", "N", help: "With --embedded-cluster: start N more emulators as target clusters (ignored without it), named by Secrets target-1-kubeconfig … target-N-kubeconfig (the demo's lab fabric names target-1).", default: "1"),
    ]

    /// A controller converging thousands of objects needs more than client-go's
    /// default 5 QPS (or our library default of 50); the server's own priority
    /// and fairness is the real guard.
    static func clientOptions(_ arguments: ParsedArguments) throws -> KubeClient.Options {
        var options = KubeClient.Options()
        options.qps = Double(try arguments.int("kube-api-qps", range: 1...1_000_000) ?? 2000)
        options.burst = try arguments.int("kube-api-burst", range: 1...1_000_000) ?? 4000
        return options
    }

    static func connect(_ arguments: ParsedArguments, _ console: Console, source: LoadedSource?) async throws -> ClusterSetup {
        guard arguments.flag("embedded-cluster") else {
            let config = try ClusterConfigLoader(explicitPath: arguments.string("kubeconfig"), context: arguments.string("context")).load()
            return ClusterSetup(client: KubeClient(config: config, options: try clientOptions(arguments)), emulator: nil)
        }
        let listen = arguments.string("embedded-listen") ?? "127.0.0.1:0"
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
            throw UsageError("invalid value '\(listen)' for --embedded-listen: expected HOST:PORT")
        }
        let emulator = try KubeEmulator(configuration: .init(host: String(listen[..<colon]), port: port))
        let url = try await emulator.start()
        let crds = arguments.string("crds") ?? "manifests/crds"
        let installed = try emulator.applyManifests(in: crds)
        // The Fabrics' own namespaces are the user's to create in a real
        // cluster; the demo creates them so it runs with no set-up.
        var namespaces = Set((source?.fabrics ?? []).map(\.fabric.namespace))
        namespaces.insert("default")
        let path = URL(fileURLWithPath: arguments.string("embedded-kubeconfig") ?? ".fabricsync/kubeconfig").standardizedFileURL.path
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try emulator.writeKubeconfig(to: path)
        let client = KubeClient(config: ClusterConfig(server: url.absoluteString), options: try clientOptions(arguments))
        for namespace in namespaces.sorted() {
            _ = try await client.apply(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace)]])
        }
        console.error("embedded cluster listening on \(url.absoluteString) (\(installed.count) CRDs installed from \(crds))")
        console.out("export KUBECONFIG=\(path)\n")
        let count = try arguments.int("embedded-targets", range: 0...16) ?? 0
        let targets = try await EmbeddedTargets.start(count: count, crds: crds, namespaces: namespaces, secretNamespaces: Set(source?.fabrics.map(\.fabric.namespace) ?? []),
                                                      folder: (path as NSString).deletingLastPathComponent, home: client, console: console)
        return ClusterSetup(client: client, emulator: emulator, targets: targets)
    }
}
