import Foundation

/// The cache folder of one source:
///
///     <cache>/repo.git             a bare repository holding the fetched commits
///     <cache>/checkouts/<sha>-<n>  one work tree per checked-out commit (`git worktree`)
///
/// A new commit gets a new work tree; the previous one is left exactly as it
/// was until the new one is complete, so a failed sync never disturbs the
/// files the controller last applied.
struct GitRepositoryCache: Sendable {
    let root: String
    let url: String
    let session: GitSession

    var repository: String { root + "/repo.git" }
    var checkouts: String { root + "/checkouts" }
    private var gitDirectory: String { "--git-dir=\(repository)" }

    // MARK: The repository

    /// Makes sure `repo.git` is a readable repository whose origin is our URL;
    /// otherwise (or when `fresh`) builds a new, empty one in its place.
    /// Returns whether it was rebuilt.
    @discardableResult
    func prepare(fresh: Bool) async throws(GitSourceError) -> Bool {
        if !fresh, FileManager.default.fileExists(atPath: repository) {
            // A missing or damaged HEAD or config makes this fail or print nothing.
            let origin = try await session.run([gitDirectory, "config", "--get", "remote.origin.url"])
            if origin.succeeded, origin.standardOutput.trimmingCharacters(in: .newlines) == url { return false }
        }
        try await rebuild()
        return true
    }

    private func rebuild() async throws(GitSourceError) {
        let building = root + "/repo.git.new"
        do {
            try FileManager.default.createDirectory(atPath: checkouts, withIntermediateDirectories: true)
            for leftover in [building, repository] where FileManager.default.fileExists(atPath: leftover) {
                try FileManager.default.removeItem(atPath: leftover)
            }
        } catch {
            throw GitSourceError(.cacheFailed, "cannot prepare the cache folder \(root): \(error.localizedDescription)")
        }
        try await session.require(["init", "--bare", "--quiet", building], failure: .cacheFailed, "cannot create a repository in \(root)")
        do {
            // Written into the file, not with `git config`, so a URL that carries
            // credentials never appears in a process's arguments.
            let section = "[remote \"origin\"]\n\turl = \"\(Self.configQuoted(url))\"\n"
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: building + "/config"))
            defer { try? handle.close() } // deliberate: a failed close after a successful write changes nothing here
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(section.utf8))
            try FileManager.default.moveItem(atPath: building, toPath: repository)
        } catch {
            throw GitSourceError(.cacheFailed, "cannot set up the repository in \(root): \(error.localizedDescription)")
        }
    }

    /// A value inside double quotes in a git config file.
    static func configQuoted(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }

    // MARK: The remote

    /// The ref the remote has for `reference` and the object it points at, as
    /// `git ls-remote` sees it: cheap, and enough to know nothing changed.
    func resolveRemote(_ reference: GitReference) async throws(GitSourceError) -> (ref: String, object: String) {
        let listed = try await session.run([gitDirectory, "ls-remote", "origin"] + reference.candidates)
        guard listed.succeeded else {
            if Self.isAuthenticationFailure(listed.standardError) {
                throw session.failure(.authenticationFailed, "authentication to \(session.displayURL) failed", listed)
            }
            throw session.failure(.remoteUnavailable, "cannot reach \(session.displayURL)", listed)
        }
        var advertised: [String: String] = [:]
        for line in listed.standardOutput.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: "\t", maxSplits: 1)
            if fields.count == 2 { advertised[String(fields[1])] = String(fields[0]) }
        }
        for candidate in reference.candidates {
            if let object = advertised[candidate] { return (candidate, object) }
        }
        throw notFound(reference)
    }

    /// git's ways of saying the remote wants other credentials (HTTP 401/403, ssh key refused).
    static func isAuthenticationFailure(_ standardError: String) -> Bool {
        ["Authentication failed", "could not read Username", "could not read Password",
         "The requested URL returned error: 403", "Permission denied (publickey"].contains { standardError.contains($0) }
    }

    func notFound(_ reference: GitReference) -> GitSourceError {
        GitSourceError(.refNotFound, "ref '\(reference.given)' not found in \(session.displayURL)")
    }

    /// Fetches one branch or tag, shallow, forced: a rewritten branch simply
    /// replaces what we had. Returns the commit it now points at.
    func fetch(remoteRef: String, for reference: GitReference) async throws(GitSourceError) -> String {
        let local = remoteRef.hasPrefix("refs/heads/")
            ? "refs/remotes/origin/" + remoteRef.dropFirst("refs/heads/".count)
            : remoteRef
        let output = try await session.run([gitDirectory, "fetch", "--quiet", "--no-tags", "--depth=1", "origin", "+\(remoteRef):\(local)"])
        if !output.succeeded {
            // The ref went away between ls-remote and fetch.
            if output.standardError.contains("couldn't find remote ref") { throw notFound(reference) }
            throw session.failure(.fetchFailed, "cannot fetch \(remoteRef) from \(session.displayURL)", output)
        }
        let commit = try await session.require([gitDirectory, "rev-parse", "--verify", "--quiet", "\(local)^{commit}"],
                                               failure: .fetchFailed, "\(remoteRef) from \(session.displayURL) is not a commit")
        return commit.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Makes one commit available: asked for directly (shallow) where the
    /// server allows it, else by fetching every branch and tag in full.
    func fetch(commit: String, for reference: GitReference) async throws(GitSourceError) {
        if try await hasCommit(commit) { return }
        let direct = try await session.run([gitDirectory, "fetch", "--quiet", "--no-tags", "--depth=1", "origin", commit])
        if direct.succeeded, try await hasCommit(commit) { return }
        var everything = [gitDirectory, "fetch", "--quiet", "--no-tags"]
        if FileManager.default.fileExists(atPath: repository + "/shallow") { everything.append("--unshallow") }
        everything += ["origin", "+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"]
        try await session.require(everything, failure: .fetchFailed, "cannot fetch from \(session.displayURL)")
        guard try await hasCommit(commit) else { throw notFound(reference) }
    }

    private func hasCommit(_ commit: String) async throws(GitSourceError) -> Bool {
        try await session.run([gitDirectory, "cat-file", "-e", "\(commit)^{commit}"]).succeeded
    }

    // MARK: Work trees

    /// Brings an existing work tree back to exactly `commit`: tracked files
    /// restored, everything else (junk, ignored files) removed. False when the
    /// work tree is gone, damaged, or at another commit.
    func refresh(_ workTree: String, commit: String) async throws(GitSourceError) -> Bool {
        guard FileManager.default.fileExists(atPath: workTree + "/.git") else { return false }
        let head = try await session.run(["rev-parse", "--verify", "--quiet", "HEAD"], in: workTree)
        guard head.succeeded, head.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == commit else { return false }
        let restored = try await session.run(["checkout", "--force", "--quiet", "--detach", commit], in: workTree)
        guard restored.succeeded else { return false }
        return try await session.run(["clean", "-ffdx", "--quiet"], in: workTree).succeeded
    }

    /// A new work tree at `commit`, next to (never on top of) the others.
    func addWorkTree(at commit: String) async throws(GitSourceError) -> String {
        let workTree = "\(checkouts)/\(commit.prefix(12))-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
        let output = try await session.run([gitDirectory, "worktree", "add", "--quiet", "--detach", workTree, commit])
        guard output.succeeded else {
            remove([workTree])
            throw session.failure(.checkoutFailed, "cannot check out \(commit)", output)
        }
        return workTree
    }

    /// Deletes every work tree but the ones named, and git's notes about them.
    /// Best effort: what is left behind is retried on the next successful sync.
    func removeWorkTrees(keeping kept: Set<String>) async {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: checkouts)) ?? [] // deliberate: nothing to list is nothing to remove
        remove(names.map { "\(checkouts)/\($0)" }.filter { !kept.contains($0) })
        // Deliberate: stale notes only cost a few bytes until the next prune; they must not fail a sync that succeeded.
        _ = try? await session.run([gitDirectory, "worktree", "prune"])
    }

    func remove(_ workTrees: [String]) {
        for workTree in workTrees {
            // Deliberate: a work tree that cannot be deleted now only costs disk
            // until the next attempt; it must not fail a sync that succeeded.
            try? FileManager.default.removeItem(atPath: workTree)
        }
    }
}
