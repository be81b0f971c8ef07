import ArgumentParsing
import FabricController
import FabricDiff
import FabricSource
import FabricValue
import FabricYAML
import Foundation
import KubeClient

/// `fabricsync export`: a live fabric's members as clean YAML, one file per
/// object, so an existing fabric can be brought under Git. Only the fields
/// fabricsync applied are kept (from managedFields; else server-owned fields
/// are stripped), without the ownership labels the controller adds itself,
/// so `fabricsync diff` on the exported folder right away shows no changes.
enum ExportCommand: Command {
    static let spec = CommandSpec(
        name: "export",
        abstract: "Write a live fabric's members as clean YAML (how an existing fabric is brought into Git).",
        options: [
            .value("fabric", "NS/NAME", help: "The Fabric to export."),
            .value("out", "DIR", help: "Folder to write (the Fabric's folder in your repository)."),
            .value("kubeconfig", "PATH", help: "Kubeconfig to use (else $KUBECONFIG, in-cluster, ~/.kube/config)."),
            .value("context", "NAME", help: "Kubeconfig context to use."),
        ]
    )

    static func run(_ arguments: ParsedArguments, _ console: Console) async throws -> ExitStatus {
        guard let target = arguments.string("fabric"), let out = arguments.string("out") else { throw UsageError("--fabric NS/NAME and --out DIR are required") }
        let parts = target.split(separator: "/").map(String.init)
        guard parts.count == 2 else { throw UsageError("expected --fabric NS/NAME, got '\(target)'") }
        let client = KubeClient(config: try ClusterConfigLoader(explicitPath: arguments.string("kubeconfig"), context: arguments.string("context")).load())
        guard let fabric = try await client.getIfPresent(apiVersion: Fabric.apiVersion, kind: Fabric.kind, namespace: parts[0], name: parts[1]) else {
            console.error("fabricsync export: Fabric \(target) not found")
            return .failure
        }
        let folder = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try write(clean(fabric), to: folder.appendingPathComponent("fabric.yaml"))

        var written = 1
        var usedPaths = Set<String>()
        for entry in InventoryEntry.entries(from: fabric["status"]) {
            guard let id = ObjectID(inventoryID: entry.id, version: entry.version) else { continue }
            guard let live = try await client.getIfPresent(apiVersion: id.apiVersion, kind: id.kind, namespace: id.namespace.isEmpty ? nil : id.namespace, name: id.name) else {
                console.error("warning: \(id) is in the inventory but not in the cluster; skipped")
                continue
            }
            var path = id.kind.lowercased() + "/" + id.name + ".yaml"
            if !usedPaths.insert(path).inserted {
                path = id.kind.lowercased() + "/" + id.namespace + "_" + id.name + ".yaml"
                usedPaths.insert(path)
            }
            try write(clean(live), to: folder.appendingPathComponent(path))
            written += 1
        }
        console.out("exported \(target): \(written) files in \(out)\n")
        return .success
    }

    /// The object as a person would write it.
    static func clean(_ object: Value) -> Value {
        var value = ManagedFieldsFilter.owned(by: "fabricsync", in: object) ?? Normalizer.normalized(object)
        var metadata = value["metadata"]?.objectValue ?? Object()
        var labels = metadata["labels"]?.objectValue ?? Object()
        for key in [OwnershipLabels.name, OwnershipLabels.namespace, "app.kubernetes.io/managed-by"] { labels[key] = nil }
        metadata["labels"] = labels.isEmpty ? nil : .object(labels)
        metadata["finalizers"] = nil
        if var annotations = metadata["annotations"]?.objectValue {
            annotations[Controller.requestedAtAnnotation] = nil
            metadata["annotations"] = annotations.isEmpty ? nil : .object(annotations)
        }
        for key in ["managedFields", "resourceVersion", "uid", "generation", "creationTimestamp", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds"] {
            metadata[key] = nil
        }
        value["metadata"] = .object(metadata)
        value["status"] = nil
        return value
    }

    private static func write(_ object: Value, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(YAMLWriter.string(object).utf8).write(to: url, options: .atomic)
    }
}
