import FabricValue
import Foundation
import KubeClient
import class KubeEmulator.KubeEmulator

/// A KubeEmulator on loopback and a KubeClient for it, over real HTTP.
final class EmulatorCluster: @unchecked Sendable {
    let emulator: KubeEmulator
    let client: KubeClient

    init(configuration: KubeEmulator.Configuration = .init(), credentials: Credentials = .none,
         options: KubeClient.Options = KubeClient.Options(retry: RetryPolicy(maximumAttempts: 5, initialDelay: .milliseconds(20), maximumDelay: .seconds(2)))) async throws {
        emulator = try KubeEmulator(configuration: configuration)
        let url = try await emulator.start()
        client = KubeClient(config: ClusterConfig(server: url.absoluteString, credentials: credentials, namespace: "default", origin: "emulator"),
                            options: options)
    }

    func stop() async { await emulator.shutdown() }

    /// The Fabric CRD, namespaced, with a status subresource.
    static let fabricCRD: Value = try! JSONReader.parse(#"""
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
         "metadata":{"name":"fabrics.wiring.githedgehog.com"},
         "spec":{"group":"wiring.githedgehog.com","scope":"Namespaced",
           "names":{"plural":"fabrics","singular":"fabric","kind":"Fabric","listKind":"FabricList"},
           "versions":[{"name":"v1alpha2","served":true,"storage":true,"subresources":{"status":{}},
             "schema":{"openAPIV3Schema":{"type":"object","properties":{
               "spec":{"type":"object","x-kubernetes-preserve-unknown-fields":true},
               "status":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}}}]}}
        """#)

    static func configMap(_ name: String, namespace: String = "default", data: [(String, String)] = [("k", "v")]) -> Value {
        .object(Object([
            ("apiVersion", "v1"), ("kind", "ConfigMap"),
            ("metadata", .object(Object([("name", .string(name)), ("namespace", .string(namespace))]))),
            ("data", .object(Object(data.map { ($0.0, Value.string($0.1)) }))),
        ]))
    }

    static func fabric(_ name: String, asn: Int64 = 65000) -> Value {
        .object(Object([
            ("apiVersion", "wiring.githedgehog.com/v1alpha2"), ("kind", "Fabric"),
            ("metadata", .object(Object([("name", .string(name)), ("namespace", "default")]))),
            ("spec", .object(Object([("asn", .int(asn))]))),
        ]))
    }
}
