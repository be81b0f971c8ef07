import FabricValue
import FabricYAML
import Foundation

/// One or more kubeconfig files, merged as kubectl merges `KUBECONFIG`: the
/// first file that defines a cluster, user or context name wins, and
/// `current-context` comes from the first file that sets it.
public struct Kubeconfig: Sendable {
    /// A named cluster, user or context, with the file it came from (relative paths inside it are relative to that file's folder).
    struct Entry: Sendable {
        var fields: Object
        var file: String
        var folder: String
    }

    private(set) var clusters: [String: Entry] = [:]
    private(set) var users: [String: Entry] = [:]
    private(set) var contexts: [String: Entry] = [:]
    public private(set) var currentContext: String?
    public private(set) var files: [String] = []

    public init() {}

    public var contextNames: [String] { contexts.keys.sorted() }

    /// Reads and merges files in order. Files that do not exist are skipped, as
    /// kubectl skips them in `KUBECONFIG`, unless `requireAll` (an explicit `--kubeconfig`).
    public static func load(paths: [String], requireAll: Bool = false) throws(KubeConfigError) -> Kubeconfig {
        var merged = Kubeconfig()
        for path in paths where !path.isEmpty {
            guard FileManager.default.fileExists(atPath: path) else {
                if requireAll { throw KubeConfigError("kubeconfig \(path) does not exist") }
                continue
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw KubeConfigError("kubeconfig \(path) cannot be read")
            }
            merged.merge(try parse(Array(data), file: path))
        }
        if merged.files.isEmpty {
            throw KubeConfigError("none of the kubeconfig files exist: \(paths.filter { !$0.isEmpty }.joined(separator: ":"))")
        }
        return merged
    }

    /// Parses one kubeconfig. `file` names it in messages and gives the folder
    /// relative paths are resolved against.
    public static func parse(_ bytes: [UInt8], file: String) throws(KubeConfigError) -> Kubeconfig {
        let documents: [YAMLDocument]
        do {
            documents = try YAMLReader.documents(in: bytes, file: file)
        } catch {
            throw KubeConfigError("kubeconfig \(error)")
        }
        var config = Kubeconfig()
        config.files = [file]
        guard let value = documents.first?.value, !value.isNull else { return config }
        guard case .object(let root) = value else {
            throw KubeConfigError("kubeconfig \(file): expected a mapping at the top, found \(value.typeName)")
        }
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent().path
        func named(_ list: String, _ field: String) throws(KubeConfigError) -> [String: Entry] {
            var entries: [String: Entry] = [:]
            guard let items = root[list], !items.isNull else { return entries }
            guard case .array(let array) = items else {
                throw KubeConfigError("kubeconfig \(file): \(list) must be a list, found \(items.typeName)")
            }
            for (index, item) in array.enumerated() {
                guard let name = item["name"]?.stringValue, !name.isEmpty else {
                    throw KubeConfigError("kubeconfig \(file): \(list)[\(index)] has no name")
                }
                let fields = item[field]?.objectValue ?? Object()
                if entries[name] == nil { entries[name] = Entry(fields: fields, file: file, folder: folder) }
            }
            return entries
        }
        config.clusters = try named("clusters", "cluster")
        config.users = try named("users", "user")
        config.contexts = try named("contexts", "context")
        if let current = root["current-context"]?.stringValue, !current.isEmpty { config.currentContext = current }
        return config
    }

    /// Adds a later file's entries where this one has none.
    public mutating func merge(_ later: Kubeconfig) {
        clusters.merge(later.clusters) { first, _ in first }
        users.merge(later.users) { first, _ in first }
        contexts.merge(later.contexts) { first, _ in first }
        if currentContext == nil { currentContext = later.currentContext }
        files += later.files
    }
}

/// What a kubeconfig may make the process do. A kubeconfig from a Secret is
/// remote input: it may neither run programs nor read local files (Flux refuses the same).
public struct KubeconfigTrust: Sendable, Equatable {
    public var allowExec: Bool
    public var allowFileReferences: Bool

    public init(allowExec: Bool, allowFileReferences: Bool) {
        self.allowExec = allowExec
        self.allowFileReferences = allowFileReferences
    }

    /// The operator's own kubeconfig.
    public static let local = KubeconfigTrust(allowExec: true, allowFileReferences: true)
    /// A kubeconfig read from a Secret.
    public static let remote = KubeconfigTrust(allowExec: false, allowFileReferences: false)
}
