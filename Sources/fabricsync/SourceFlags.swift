import ArgumentParsing
import FabricDiff
import FabricSource

/// The flags every command that reads fabrics shares, and the loading they drive.
enum SourceFlags {
    static let options: [OptionSpec] = [
        .value("source", "DIR", help: "Folder holding the fabrics (each Fabric's folder holds its members)."),
        .value("max-file-size", "SIZE", help: "Refuse source files larger than this.", default: "16Mi"),
    ]

    /// Loads the source the flags name; prints warnings. A source that cannot
    /// be read at all is a usage-level error (exit 2).
    static func root(_ arguments: ParsedArguments) throws -> String {
        guard let root = arguments.string("source") else { throw UsageError("--source DIR is required") }
        return root
    }

    static func sourceOptions(_ arguments: ParsedArguments) throws -> SourceOptions {
        var options = SourceOptions()
        if let size = try arguments.byteCount("max-file-size") {
            options.maxFileSize = size
            options.yamlLimits.maximumBytes = size
        }
        return options
    }

    static func load(_ arguments: ParsedArguments, _ console: Console) throws -> LoadedSource {
        let source = try SourceLoader.load(root: try root(arguments), options: try sourceOptions(arguments))
        for warning in source.warnings { console.error("warning: \(warning)") }
        return source
    }

    /// Kinds that are cluster-scoped, for when no API discovery is at hand
    /// (offline diff). With a cluster, discovery answers instead.
    static let clusterScopedKinds: Set<String> = [
        "Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding", "PersistentVolume",
        "StorageClass", "Node", "PriorityClass", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
        "APIService", "IngressClass", "RuntimeClass", "CSIDriver", "VolumeSnapshotClass",
    ]

    static func guessNamespaced(_ id: ObjectID) -> Bool { !clusterScopedKinds.contains(id.kind) }
}
