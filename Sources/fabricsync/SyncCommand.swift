import ArgumentParsing
import FabricController
import FabricSource
import FabricValue
import Foundation
import KubeClient

enum SyncCommand: Command {
    static let spec = CommandSpec(
        name: "sync",
        abstract: "Ask for a reconcile of one fabric now (sets its requestedAt annotation).",
        discussion: "The controller sees the annotation change through its watch and reconciles the fabric (trigger: manual).",
        options: [
            .value("kubeconfig", "PATH", help: "Kubeconfig to use (else $KUBECONFIG, in-cluster, ~/.kube/config)."),
            .value("context", "NAME", help: "Kubeconfig context to use."),
        ],
        positionals: [PositionalSpec("NS/NAME", help: "The Fabric, as namespace/name.")]
    )

    static func run(_ arguments: ParsedArguments, _ console: Console) async throws -> ExitStatus {
        let target = arguments.positional("NS/NAME") ?? ""
        let parts = target.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw UsageError("expected the Fabric as NS/NAME, got '\(target)'")
        }
        let config = try ClusterConfigLoader(explicitPath: arguments.string("kubeconfig"), context: arguments.string("context")).load()
        let client = KubeClient(config: config)
        let stamp = Timestamp.milliseconds(sinceEpoch: Date().timeIntervalSince1970)
        let annotations = Object([(Controller.requestedAtAnnotation, .string(stamp))])
        let patch: Value = .object(Object([("metadata", .object(Object([("annotations", .object(annotations))])))]))
        do {
            _ = try await client.mergePatch(apiVersion: Fabric.apiVersion, kind: Fabric.kind, namespace: String(parts[0]), name: String(parts[1]), patch: patch)
        } catch {
            guard error.isNotFound else { throw error }
            console.error("fabricsync sync: Fabric \(target) not found")
            return .failure
        }
        console.out("sync requested for \(target) (\(Controller.requestedAtAnnotation)=\(stamp))\n")
        return .success
    }
}
