import FabricDiff
import FabricValue
import FabricYAML

/// One document that is a Fabric's member, as written.
public struct Member: Sendable {
    public var document: YAMLDocument
    /// The object to apply. Its namespace is as written (see the module note).
    public var object: Value
    /// Where the document starts.
    public var mark: SourceMark
    /// Its identity; `namespace` is empty when the document names none.
    public var id: ObjectID
}

/// One Fabric, with the members its folder rule gives it.
public struct FabricSource: Sendable {
    public var fabric: Fabric
    public var document: YAMLDocument
    /// The Fabric file's folder relative to the root (`""` for the root itself).
    public var folder: String
    /// By file path, then document index.
    public var members: [Member]
    /// The problems found in this Fabric's own files (its folder and the
    /// subfolders it owns); non-empty means: apply nothing, prune nothing.
    public var issues: [ValidationIssue]

    public var isValid: Bool { issues.isEmpty }
}

/// A file read from the source: its documents, or the fact that it could not
/// be read or parsed (its issue is reported by the reader).
struct SourceFile {
    var path: String
    var documents: [YAMLDocument]
    var failed: Bool

    var folder: String { SourceAssembler.folder(of: path) }
}

/// Assigns documents to Fabrics by the folder rule and validates across
/// documents. Pure: files in, fabrics and issues out.
enum SourceAssembler {
    static func assemble(_ files: [SourceFile], fileIssues: [ValidationIssue]) -> (fabrics: [FabricSource], issues: [ValidationIssue]) {
        var issues = fileIssues
        let files = files.sorted { $0.path < $1.path }

        // 1. One Fabric per folder: the first one found owns the folder.
        var fabricDocuments: [String: (document: YAMLDocument, fabric: Fabric?)] = [:]
        for file in files {
            for document in file.documents where Fabric.isFabric(document.value) {
                let (fabric, fabricIssues) = Fabric.decode(document)
                issues += fabricIssues
                if let first = fabricDocuments[file.folder] {
                    let named = first.fabric.map { " (\($0.id))" } ?? ""
                    issues.append(ValidationIssue(.twoFabricsInFolder, at: document.keyMark(for: FieldPath("kind")), path: "kind",
                        "a second Fabric in folder \(display(file.folder)); the first\(named) is at \(first.document.start) (one Fabric per folder)"))
                } else {
                    fabricDocuments[file.folder] = (document, fabric)
                }
            }
        }
        let failedFolders = Set(files.filter(\.failed).map(\.folder))

        // 2. Members: every other document belongs to the nearest Fabric above it.
        var membersByFolder: [String: [Member]] = [:]
        var seen: [String: (owner: String, mark: SourceMark)] = [:]
        for (folder, entry) in fabricDocuments.sorted(by: { $0.key < $1.key }) {
            guard let fabric = entry.fabric else { continue }
            let id = ObjectID(group: Fabric.group, version: "", kind: Fabric.kind, namespace: fabric.namespace, name: fabric.name)
            let mark = entry.document.mark(for: FieldPath("metadata", "name"))
            if let first = seen[id.inventoryID] {
                issues.append(ValidationIssue(.duplicateObject, at: mark, path: "metadata.name",
                    "duplicate Fabric \(fabric.id): already defined at \(first.mark)"))
            } else {
                seen[id.inventoryID] = (folder, mark)
            }
        }
        for file in files {
            for document in file.documents where !Fabric.isFabric(document.value) {
                var checker = DocumentChecker(document)
                let id = ObjectValidation.check(&checker)
                issues += checker.issues
                guard let owner = owningFolder(of: file.folder, among: fabricDocuments) else {
                    if !hasFailedAncestor(file.folder, failedFolders) {
                        issues.append(ValidationIssue(.noFabric, at: document.start, path: "(document)",
                            "belongs to no Fabric: there is none in folder \(display(file.folder)) or the folders above it"))
                    }
                    continue
                }
                guard let id else { continue }
                let targetNamespace = fabricDocuments[owner]?.fabric?.sync.targetNamespace ?? "default"
                var key = id
                key.version = ""
                if key.namespace.isEmpty { key.namespace = targetNamespace }
                let mark = document.mark(for: FieldPath("metadata", "name"))
                if let first = seen[key.inventoryID] {
                    issues.append(duplicate(id: key, at: mark, first: first, sameFabric: first.owner == owner, fabrics: fabricDocuments))
                    continue
                }
                seen[key.inventoryID] = (owner, mark)
                membersByFolder[owner, default: []].append(Member(document: document, object: document.value, mark: document.start, id: id))
            }
        }

        issues = ValidationIssue.sorted(issues)
        var fabrics: [FabricSource] = []
        for (folder, entry) in fabricDocuments.sorted(by: { $0.key < $1.key }) {
            guard let fabric = entry.fabric else { continue }
            let own = issues.filter { owningFolder(of: SourceAssembler.folder(of: $0.mark.file), among: fabricDocuments) == folder }
            fabrics.append(FabricSource(fabric: fabric, document: entry.document, folder: folder,
                                        members: membersByFolder[folder] ?? [], issues: own))
        }
        return (fabrics, issues)
    }

    private static func duplicate(id: ObjectID, at mark: SourceMark, first: (owner: String, mark: SourceMark), sameFabric: Bool,
                                  fabrics: [String: (document: YAMLDocument, fabric: Fabric?)]) -> ValidationIssue {
        let what = (id.group.isEmpty ? "" : id.group + " ") + id.kind + " " + id.qualifiedName
        if sameFabric {
            return ValidationIssue(.duplicateObject, at: mark, path: "metadata.name", "duplicate \(what): already defined at \(first.mark)")
        }
        let other = fabrics[first.owner]?.fabric?.id ?? display(first.owner)
        return ValidationIssue(.claimedByTwoFabrics, at: mark, path: "metadata.name",
                               "\(what) is already a member of Fabric \(other) at \(first.mark)")
    }

    /// The nearest folder at or above `folder` holding a Fabric.
    static func owningFolder<T>(of folder: String, among fabrics: [String: T]) -> String? {
        var current: String? = folder
        while let candidate = current {
            if fabrics[candidate] != nil { return candidate }
            current = candidate.isEmpty ? nil : SourceAssembler.folder(of: candidate)
        }
        return nil
    }

    /// A file that failed to parse may have been the Fabric of the documents
    /// beside and below it: they are not called orphans on top of its error.
    private static func hasFailedAncestor(_ folder: String, _ failed: Set<String>) -> Bool {
        var current: String? = folder
        while let candidate = current {
            if failed.contains(candidate) { return true }
            current = candidate.isEmpty ? nil : SourceAssembler.folder(of: candidate)
        }
        return false
    }

    /// `dc1/leaves/a.yaml` → `dc1/leaves`; `a.yaml` → `""`.
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    static func display(_ folder: String) -> String { folder.isEmpty ? "\".\"" : DNSNames.quoted(folder) }
}
