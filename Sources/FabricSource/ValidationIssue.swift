// FabricSource — reads a source folder into Fabrics and their members, validates it, and names its revision.
//
// Entry points other modules call:
// - `SourceLoader.load(root:options:) throws(SourceLoadError) -> LoadedSource`: never throws for bad
//   input (bad input becomes `issues`); throws only when the root itself cannot be read.
// - `LoadedSource.fabrics[i].members`: the documents, raw. A member that names no namespace keeps
//   none here: whether its kind is namespaced needs API discovery, so the caller says it through
//   `FabricSource.desiredMembers(isNamespaced:)`, which also sets the ownership labels
//   (`OwnershipLabels`); `FabricSource.fabricObject` is the Fabric as applied. A fabric whose
//   `issues` are not empty must apply and prune nothing.
// - `ValidationIssue.description`: `<file>:<line>:<column>: <field.path>: <message>`.
// - `Fabric.decode(_:)`: the Fabric model from one document, with its issues.
// - `GitRunning` / `SystemGit`: how `git` is run (replaceable in tests).

import FabricValue

/// One thing wrong with the source, where it is, and what.
public struct ValidationIssue: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case syntax, fileTooLarge, unreadableFile
        case notAnObject, missingField, wrongType, invalidValue, unknownField
        case duplicateObject, claimedByTwoFabrics, twoFabricsInFolder, noFabric
    }

    public var code: Code
    /// File relative to the source root, line and column from 1.
    public var mark: SourceMark
    /// A field path such as `spec.sync.interval`, or `(document)`, `(file)`, `(yaml)`
    /// for problems that are not about one field.
    public var path: String
    public var message: String

    public init(_ code: Code, at mark: SourceMark, path: String, _ message: String) {
        self.code = code
        self.mark = mark
        self.path = path
        self.message = message
    }

    public init(_ code: Code, at mark: SourceMark, field: FieldPath, _ message: String) {
        self.init(code, at: mark, path: field.isRoot ? "(document)" : field.description, message)
    }

    /// `dc1/switches.yaml:12:7: spec.asn: must be an integer, found string "65000"`
    public var description: String { "\(mark): \(path): \(message)" }

    /// `{file, line, column, path, message}`: the shape of `validation_result`
    /// notifications' `errors`.
    public var jsonValue: Value {
        .object(Object([
            ("file", .string(mark.file)), ("line", .int(Int64(mark.line))), ("column", .int(Int64(mark.column))),
            ("path", .string(path)), ("message", .string(message)),
        ]))
    }

    /// Reading order: by file, then line, then column.
    static func sorted(_ issues: [ValidationIssue]) -> [ValidationIssue] {
        issues.sorted { a, b in
            (a.mark.file, a.mark.line, a.mark.column, a.path, a.message) < (b.mark.file, b.mark.line, b.mark.column, b.path, b.message)
        }
    }
}

/// Something skipped or degraded that does not make the source invalid.
public struct SourceWarning: Sendable, Hashable, CustomStringConvertible {
    /// File or folder relative to the source root (`.` for the root itself).
    public var file: String
    public var message: String

    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }

    /// `dc1/kustomization.yaml: skipped: kustomize builds are not supported yet`
    public var description: String { "\(file): \(message)" }
}
