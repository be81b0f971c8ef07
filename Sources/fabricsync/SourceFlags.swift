import ArgumentParsing
import FabricController
import FabricDiff
import FabricSource
import GitSource

/// The flags every command that reads fabrics shares — a folder (`--source`)
/// or a Git repository (`--git-url` …) — and the loading they drive.
enum SourceFlags {
    static let options: [OptionSpec] = [
        .value("source", "DIR", help: "Folder holding the fabrics (each Fabric's folder holds its members)."),
        .value("git-url", "URL", help: "Git repository holding the fabrics (https://, ssh://, git@host:path, file://)."),
        .value("git-ref", "REF", help: "Branch, tag or commit SHA to apply.", default: "main"),
        .value("git-path", "DIR", help: "Folder of the repository that holds the fabrics."),
        .value("git-interval", "DURATION", help: "How often the repository is fetched.", default: "1m"),
        .value("git-cache", "DIR", help: "Where the repository is cloned.", default: ".fabricsync/git"),
        .value("git-timeout", "DURATION", help: "Longest a fetch may take.", default: "2m"),
        .value("git-token-file", "FILE", help: "HTTPS bearer token, read from this file (never from the command line)."),
        .value("git-username-file", "FILE", help: "HTTPS basic-auth user name file (with --git-password-file)."),
        .value("git-password-file", "FILE", help: "HTTPS basic-auth password file."),
        .value("git-ssh-key-file", "FILE", help: "SSH private key (with --git-known-hosts-file)."),
        .value("git-known-hosts-file", "FILE", help: "SSH known_hosts the server must be in."),
        .value("git-ca-file", "FILE", help: "CA bundle trusted for the HTTPS remote."),
        .value("max-file-size", "SIZE", help: "Refuse source files larger than this.", default: "16Mi"),
    ]

    static func sourceOptions(_ arguments: ParsedArguments) throws -> SourceOptions {
        var options = SourceOptions()
        if let size = try arguments.byteCount("max-file-size") {
            options.maxFileSize = size
            options.yamlLimits.maximumBytes = size
        }
        return options
    }

    /// The source the flags name: exactly one of `--source` and `--git-url`.
    static func provider(_ arguments: ParsedArguments) throws -> any SourceProvider {
        let options = try sourceOptions(arguments)
        switch (arguments.string("source"), arguments.string("git-url")) {
        case (let root?, nil):
            return FolderSource(root: root, options: options)
        case (nil, let url?):
            let repository = try GitRepositorySource(
                url: url, ref: arguments.string("git-ref") ?? "main", path: arguments.string("git-path") ?? "",
                cacheDirectory: arguments.string("git-cache") ?? ".fabricsync/git", auth: try gitAuth(arguments),
                timeout: try arguments.duration("git-timeout") ?? .seconds(120))
            return GitSourceProvider(repository: repository, options: options, interval: try arguments.duration("git-interval") ?? .seconds(60))
        case (.some, .some):
            throw UsageError("give either --source DIR or --git-url URL, not both")
        case (nil, nil):
            throw UsageError("--source DIR or --git-url URL is required")
        }
    }

    private static func gitAuth(_ arguments: ParsedArguments) throws -> GitAuth {
        var auth = GitAuth()
        if let token = arguments.string("git-token-file") {
            auth.http = .bearerToken(file: token)
        } else if let user = arguments.string("git-username-file") {
            guard let password = arguments.string("git-password-file") else { throw UsageError("--git-username-file needs --git-password-file") }
            auth.http = .basic(usernameFile: user, passwordFile: password)
        }
        if let key = arguments.string("git-ssh-key-file") {
            guard let knownHosts = arguments.string("git-known-hosts-file") else { throw UsageError("--git-ssh-key-file needs --git-known-hosts-file") }
            auth.ssh = GitAuth.SSH(keyFile: key, knownHostsFile: knownHosts)
        }
        auth.certificateAuthorityFile = arguments.string("git-ca-file")
        return auth
    }

    /// Reads the source once (validate, diff); prints warnings. A source that
    /// cannot be read at all is an error (exit 2).
    static func load(_ arguments: ParsedArguments, _ console: Console) async throws -> LoadedSource {
        let source = try await provider(arguments).load()
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
