import Foundation

/// The revision of a plain folder (`--source DIR`) that happens to sit in a
/// Git work tree, in the design's form:
///
///     main@sha1:<HEAD>                     the folder is as committed
///     main@sha1:<HEAD>+sha256:<digest>     the folder has changes (tracked or untracked)
///     sha1:<HEAD>[+sha256:<digest>]        the same on a detached HEAD
///
/// nil when the folder is not in a work tree (or the repository has no commit
/// yet): the caller then uses the folder's own `sha256:<digest>`.
public enum WorkTreeRevision {
    public static func revision(of folder: String, contentDigest: String,
                                runner: ProcessGitRunner = ProcessGitRunner(baseEnvironment: GitEnvironment.user())) -> String? {
        guard let facts = facts(of: folder, runner: runner) else { return nil }
        return label(head: facts.head, branch: facts.branch, hasChanges: facts.hasChanges, contentDigest: contentDigest)
    }

    /// The label from the facts: a pure function.
    public static func label(head: String, branch: String?, hasChanges: Bool, contentDigest: String) -> String {
        let base = branch.map { "\($0)@sha1:\(head)" } ?? "sha1:\(head)"
        guard hasChanges else { return base }
        let digest = contentDigest.hasPrefix("sha256:") ? String(contentDigest.dropFirst("sha256:".count)) : contentDigest
        return "\(base)+sha256:\(digest)"
    }

    struct Facts: Equatable {
        var head: String
        var branch: String?
        var hasChanges: Bool
    }

    /// Three quick, read-only looks at the work tree. Any failure means "not a
    /// work tree we can name", which is not an error for a folder source.
    static func facts(of folder: String, runner: ProcessGitRunner) -> Facts? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
        func git(_ arguments: [String]) -> GitOutput? {
            // Deliberate: git missing or hanging leaves the folder unnamed by Git, and the caller falls back to its digest.
            try? runner.runBlocking(GitInvocation(arguments, directory: folder, timeout: .seconds(30)))
        }
        guard let inside = git(["rev-parse", "--is-inside-work-tree"]), inside.succeeded,
              inside.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "true",
              let head = git(["rev-parse", "--verify", "--quiet", "HEAD"]), head.succeeded,
              let status = git(["status", "--porcelain", "--untracked-files=all", "--", "."]), status.succeeded
        else { return nil }
        // Exit status 1 with no output: a detached HEAD has no branch.
        let symbolic = git(["symbolic-ref", "--quiet", "--short", "HEAD"])
        let branch = symbolic.flatMap { $0.succeeded ? $0.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) : nil }
        return Facts(head: head.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines),
                     branch: branch,
                     hasChanges: !status.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
    }
}
