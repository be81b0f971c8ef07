import FabricDiff
import Foundation

/// Names the content of a source, as `lastAppliedRevision` records it.
enum Revision {
    /// The digest of the files read, framed so no two different file sets
    /// hash alike: for each file in path order, its path, a 0 byte, its
    /// length as 8 bytes big-endian, and its bytes.
    struct ContentDigest {
        private var hasher = SHA256()

        mutating func add(path: String, bytes: [UInt8]) {
            frame(path: path, length: UInt64(bytes.count))
            hasher.update(bytes)
        }

        /// A file too large to read counts by its size alone (the source is
        /// invalid anyway; the revision still changes when the file does).
        mutating func add(path: String, unreadSize: UInt64) {
            frame(path: path, length: unreadSize)
            hasher.update([0xFF])
        }

        private mutating func frame(path: String, length: UInt64) {
            hasher.update(Array(path.utf8))
            hasher.update([0])
            hasher.update((0..<8).map { UInt8(truncatingIfNeeded: length >> UInt64(56 - 8 * $0)) })
        }

        mutating func finish() -> String { "sha256:" + SHA256.hex(hasher.finalize()) }
    }

    /// `<branch>@sha1:<HEAD>` for a clean folder inside a Git work tree,
    /// `<branch>@sha1:<HEAD>+sha256:<digest>` when it has changes (`sha1:<HEAD>`
    /// on a detached HEAD), and the plain digest otherwise. A git that fails
    /// gives the plain digest and a warning.
    static func revision(root: String, digest: String, git: (any GitRunning)?) -> (revision: String, warning: String?) {
        guard let git, isInsideGitWorkTree(root) else { return (digest, nil) }
        do {
            let head = try git.run(["rev-parse", "--verify", "-q", "HEAD"], in: root).trimmingCharacters(in: .whitespacesAndNewlines)
            var revision = "sha1:" + head
            if let branch = try? git.run(["symbolic-ref", "--short", "-q", "HEAD"], in: root) {
                // Deliberate `try?`: symbolic-ref exits 1 on a detached HEAD, which is an answer, not a failure.
                revision = branch.trimmingCharacters(in: .whitespacesAndNewlines) + "@" + revision
            }
            let changes = try git.run(["status", "--porcelain", "--untracked-files=all", "--", "."], in: root)
            if !changes.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { revision += "+" + digest }
            return (revision, nil)
        } catch {
            return (digest, "not using the Git revision: \(error)")
        }
    }

    /// Looks for `.git` (a folder, or a file in a linked work tree) at or
    /// above `root`, so plain folders never start a git process.
    static func isInsideGitWorkTree(_ root: String) -> Bool {
        var url = URL(fileURLWithPath: root).standardizedFileURL
        while true {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent(".git").path) { return true }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { return false }
            url = parent
        }
    }
}
