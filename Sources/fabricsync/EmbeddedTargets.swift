import ArgumentParsing
import FabricValue
import Foundation
import KubeClient
import KubeEmulator

/// `--embedded-targets N`: N more emulators, each a fabric's own control
/// node in the demo, and a Secret
/// `target-<i>-kubeconfig` (key `value`) in the home emulator naming it.
enum EmbeddedTargets {
    static func secretName(_ index: Int) -> String { "target-\(index)-kubeconfig" }

    /// The namespace the Secrets go to when the source names none (the examples').
    static let defaultSecretNamespace = "hedgehog-system"

    static func start(count: Int, crds: String, namespaces: Set<String>, secretNamespaces: Set<String>, folder: String,
                      home: KubeClient, console: Console) async throws -> [KubeEmulator] {
        guard count > 0 else { return [] }
        let secretNamespaces = secretNamespaces.isEmpty ? [defaultSecretNamespace] : secretNamespaces
        for namespace in secretNamespaces.sorted() {
            _ = try await home.apply(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace)]])
        }
        var started: [KubeEmulator] = []
        for index in 1...count {
            // No bearer token: the targets listen on loopback only, and kubectl (client-go)
            // never sends a token over plain http, so a token would lock `kubectl` out.
            let emulator = try KubeEmulator(configuration: .init(host: "127.0.0.1", port: 0))
            let url = try await emulator.start()
            started.append(emulator)
            _ = try emulator.applyManifests(in: crds)
            let client = KubeClient(config: ClusterConfig(server: url.absoluteString))
            for namespace in namespaces.sorted() {
                _ = try await client.apply(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace)]])
            }
            let path = URL(fileURLWithPath: folder).appendingPathComponent("target-\(index).kubeconfig").path
            try emulator.writeKubeconfig(to: path)
            let kubeconfig = try Data(contentsOf: URL(fileURLWithPath: path))
            for namespace in secretNamespaces.sorted() {
                _ = try await home.apply(secret(name: secretName(index), namespace: namespace, kubeconfig: kubeconfig))
            }
            let places = secretNamespaces.sorted().map { "\($0)/\(secretName(index))" }.joined(separator: ", ")
            console.error("embedded target cluster \(index) listening on \(url.absoluteString) (Secret \(places); kubeconfig \(path))")
        }
        return started
    }

    static func secret(name: String, namespace: String, kubeconfig: Data) -> Value {
        .object(Object([
            ("apiVersion", "v1"), ("kind", "Secret"),
            ("metadata", .object(Object([("name", .string(name)), ("namespace", .string(namespace))]))),
            ("type", "Opaque"),
            ("data", .object(Object([("value", .string(kubeconfig.base64EncodedString()))]))),
        ]))
    }
}
