import FabricValue
import FabricYAML
import Foundation

public struct SourceOptions: Sendable {
    /// Files larger than this are refused unread (`--max-file-size`).
    public var maxFileSize: Int
    /// Depth and node bounds for the YAML reader; its byte bound is `maxFileSize`.
    public var yamlLimits: YAMLLimits
    /// `nil`: never ask git, always the plain content digest.
    public var git: (any GitRunning)?

    public init(maxFileSize: Int = 16 << 20, yamlLimits: YAMLLimits = .default, git: (any GitRunning)? = SystemGit()) {
        self.maxFileSize = maxFileSize
        self.yamlLimits = yamlLimits
        self.git = git
    }
}

/// The only failures of loading: the root itself is not there or not readable.
public struct SourceLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    public var root: String
    public var message: String
    public var description: String { "\(root): \(message)" }
}

/// Everything read from a source folder.
public struct LoadedSource: Sendable {
    public var root: String
    /// By folder.
    public var fabrics: [FabricSource]
    /// Every problem found, each fabric's and those under no fabric, in reading order.
    public var issues: [ValidationIssue]
    public var warnings: [SourceWarning]
    /// `sha256:<hex>`, or the Git forms (see `Revision`).
    public var revision: String

    public var isValid: Bool { issues.isEmpty }
}

public enum SourceLoader {
    /// Reads every `*.yaml` / `*.yml` under `root` (hidden files and folders
    /// skipped, `kustomization.yaml` skipped with a warning), assigns documents
    /// to Fabrics, validates, and names the revision.
    public static func load(root: String, options: SourceOptions = SourceOptions()) throws(SourceLoadError) -> LoadedSource {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else {
            throw SourceLoadError(root: root, message: "no such folder")
        }
        guard isDirectory.boolValue else { throw SourceLoadError(root: root, message: "not a folder") }
        guard FileManager.default.isReadableFile(atPath: root) else { throw SourceLoadError(root: root, message: "folder is not readable") }

        var walk = FolderWalk(root: root)
        walk.visit(folder: "")
        var files: [SourceFile] = []
        var issues = walk.issues
        var digest = Revision.ContentDigest()
        var limits = options.yamlLimits
        limits.maximumBytes = options.maxFileSize
        for entry in walk.files.sorted(by: { $0.path < $1.path }) {
            let start = SourceMark(file: entry.path, line: 1, column: 1)
            if entry.size > UInt64(options.maxFileSize) {
                digest.add(path: entry.path, unreadSize: entry.size)
                issues.append(ValidationIssue(.fileTooLarge, at: start, path: "(file)",
                    "file is \(entry.size) bytes, over the limit of \(options.maxFileSize) bytes (--max-file-size)"))
                files.append(SourceFile(path: entry.path, documents: [], failed: true))
                continue
            }
            let bytes: [UInt8]
            do {
                let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: entry.absolutePath))
                defer { try? handle.close() }  // deliberate: a failed close of a read-only handle loses nothing
                bytes = [UInt8](try handle.readToEnd() ?? Data())
            } catch {
                issues.append(ValidationIssue(.unreadableFile, at: start, path: "(file)", "cannot read the file: \(error.localizedDescription)"))
                files.append(SourceFile(path: entry.path, documents: [], failed: true))
                continue
            }
            digest.add(path: entry.path, bytes: bytes)
            guard entry.isYAMLSource else { continue }
            do {
                let documents = try YAMLReader.documents(in: bytes, file: entry.path, limits: limits)
                files.append(SourceFile(path: entry.path, documents: documents.filter { !$0.value.isNull }, failed: false))
            } catch {
                issues.append(ValidationIssue(.syntax, at: error.mark, path: "(yaml)", error.message + tabHint(bytes, at: error.mark)))
                files.append(SourceFile(path: entry.path, documents: [], failed: true))
            }
        }
        let (fabrics, allIssues) = SourceAssembler.assemble(files, fileIssues: issues)
        var warnings = walk.warnings
        let (revision, gitWarning) = Revision.revision(root: root, digest: digest.finish(), git: options.git)
        if let gitWarning { warnings.append(SourceWarning(file: ".", message: gitWarning)) }
        return LoadedSource(root: root, fabrics: fabrics, issues: allIssues, warnings: warnings, revision: revision)
    }
}

/// libyaml reports a tab in indentation as a character that "cannot start
/// any token"; say what the character is.
func tabHint(_ bytes: [UInt8], at mark: SourceMark) -> String {
    var line = 1
    var index = 0
    while line < mark.line, index < bytes.count {
        if bytes[index] == 0x0A { line += 1 }
        index += 1
    }
    index += mark.column - 1
    guard line == mark.line, index >= 0, index < bytes.count, bytes[index] == 0x09 else { return "" }
    return "; it is a tab: YAML indents with spaces only"
}

/// The file-system half of loading: which files are sources.
struct FolderWalk {
    struct Entry {
        var path: String
        var absolutePath: String
        var size: UInt64
        /// `false` for files read only for the revision (kustomization files).
        var isYAMLSource: Bool
    }

    let root: String
    var files: [Entry] = []
    var warnings: [SourceWarning] = []
    var issues: [ValidationIssue] = []

    /// The root with its own links resolved, to tell where links lead.
    let resolvedRoot: String

    init(root: String) {
        self.root = root
        self.resolvedRoot = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
    }

    static let kustomizationNames: Set<String> = ["kustomization.yaml", "kustomization.yml", "Kustomization"]

    mutating func visit(folder: String) {
        let absolute = folder.isEmpty ? root : root + "/" + folder
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: absolute).sorted() } catch {
            issues.append(ValidationIssue(.unreadableFile, at: SourceMark(file: folder.isEmpty ? "." : folder, line: 1, column: 1),
                                          path: "(file)", "cannot read the folder: \(error.localizedDescription)"))
            return
        }
        for name in names where !name.hasPrefix(".") {
            let path = folder.isEmpty ? name : folder + "/" + name
            let full = absolute + "/" + name
            let attributes: [FileAttributeKey: Any]
            do { attributes = try FileManager.default.attributesOfItem(atPath: full) } catch {
                issues.append(ValidationIssue(.unreadableFile, at: SourceMark(file: path, line: 1, column: 1), path: "(file)",
                                              "cannot read: \(error.localizedDescription)"))
                continue
            }
            var type = attributes[.type] as? FileAttributeType
            var size = (attributes[.size] as? NSNumber)?.uint64Value ?? 0
            if type == .typeSymbolicLink {
                // Followed to files inside the source only: a link to a folder
                // could loop, and one leading out (a Git repository can hold
                // `x.yaml -> /etc/…`) would read files that are not the source.
                var isDirectory: ObjCBool = false
                let target = URL(fileURLWithPath: full).resolvingSymlinksInPath().path
                let inside = target.hasPrefix(resolvedRoot + "/")
                if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue, inside,
                    let attributes = try? FileManager.default.attributesOfItem(atPath: target)
                    // deliberate `try?`: existence was just checked; losing a race only skips the file
                {
                    type = .typeRegular
                    size = (attributes[.size] as? NSNumber)?.uint64Value ?? 0
                } else {
                    if isDirectory.boolValue {
                        warnings.append(SourceWarning(file: path, message: "skipped: symbolic links are followed to files only"))
                    } else if Self.isYAML(name) {
                        warnings.append(SourceWarning(file: path, message: inside ? "skipped: a broken symbolic link" : "skipped: a symbolic link to a file outside the source"))
                    }
                    continue
                }
            }
            if type == .typeDirectory {
                visit(folder: path)
            } else if type == .typeRegular, Self.isYAML(name) || Self.kustomizationNames.contains(name) {
                let isKustomization = Self.kustomizationNames.contains(name)
                if isKustomization {
                    warnings.append(SourceWarning(file: path, message: "skipped: kustomize builds are not supported yet"))
                }
                files.append(Entry(path: path, absolutePath: full, size: size, isYAMLSource: !isKustomization))
            }
        }
    }

    static func isYAML(_ name: String) -> Bool { name.hasSuffix(".yaml") || name.hasSuffix(".yml") }
}
