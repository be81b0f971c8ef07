import Foundation

/// The files of one commit, ready to read.
public struct GitCheckout: Sendable, Equatable {
    /// The folder to read: the work tree, or the subfolder of it the source names.
    /// It may not exist when the commit has no such subfolder.
    public var directory: String
    /// The root of the work tree.
    public var workTree: String
    /// The commit checked out, 40 hexadecimal digits.
    public var commit: String
    /// Flux's form: `main@sha1:<sha>`, `v1.0@sha1:<sha>` or `sha1:<sha>`.
    public var revision: String
    /// Whether the commit differs from the previous successful sync (the first sync counts as a change).
    public var changed: Bool

    public init(directory: String, workTree: String, commit: String, revision: String, changed: Bool) {
        self.directory = directory
        self.workTree = workTree
        self.commit = commit
        self.revision = revision
        self.changed = changed
    }
}

/// A Git remote and a ref, kept checked out in a cache folder at the exact
/// commit the ref names. Each `sync()` asks the remote where the ref points
/// (`git ls-remote`), fetches only when that moved, and checks the commit out
/// into a new work tree; junk in the work tree is removed every time.
///
/// On any failure the previous checkout stays on disk untouched, so the
/// controller can keep it applied and prune nothing. Calls are serialized.
public actor GitRepositorySource {
    /// The remote, without any credentials the given URL carried.
    public nonisolated let url: String
    public nonisolated let reference: GitReference
    /// The subfolder holding the fabric files, normalized; empty for the root.
    public nonisolated let path: String
    public nonisolated let cacheDirectory: String
    public nonisolated let auth: GitAuth
    /// Bounds each whole sync; git is killed when it runs out.
    public nonisolated let timeout: Duration
    private let runner: any GitRunning
    /// `user:password@` taken out of an HTTP(S) URL: sent as a header, never as part of the URL.
    private let urlCredential: URLCredential?
    private let extraEnvironment: [String: String]

    private struct Current {
        var commit: String
        var advertised: String
        var workTree: String
    }
    private var current: Current?
    /// The work tree before the current one, kept for one more sync in case a reader is still in it.
    private var previousWorkTree: String?
    private var queue: Task<Void, Never>?

    /// - Parameters:
    ///   - url: any URL git accepts (`https://`, `ssh://`, `git@host:path`, `file://`). Credentials
    ///     written into an HTTP(S) URL are taken out of it and sent as a header, because git would
    ///     otherwise pass the URL on the command line of its remote helper.
    ///   - ref: a branch, a tag (`refs/heads/…`/`refs/tags/…` to be explicit) or a 40-hex commit.
    ///   - path: the subfolder of the repository to read (`--git-path`).
    ///   - cacheDirectory: a folder this source owns; created when missing.
    ///   - extraEnvironment: added to every git run (`GIT_TRACE=1` while debugging, say).
    public init(url: String, ref: String = "main", path: String = "", cacheDirectory: String,
                auth: GitAuth = .none, timeout: Duration = .seconds(120),
                runner: any GitRunning = ProcessGitRunner(), extraEnvironment: [String: String] = [:]) throws(GitSourceError) {
        guard !url.isEmpty, !url.hasPrefix("-"), !url.contains(where: { $0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? false }) else {
            throw GitSourceError(.invalidConfiguration, "'\(Redactor.redactingURLUserInfo(url))' is not a usable Git URL")
        }
        guard timeout > .zero else { throw GitSourceError(.invalidConfiguration, "the Git timeout must be positive") }
        (self.url, self.urlCredential) = URLCredential.split(url)
        if urlCredential != nil, auth.http != nil {
            throw GitSourceError(.invalidConfiguration, "\(self.url) carries credentials in the URL and in files; use the files only")
        }
        self.reference = try GitReference(parsing: ref)
        self.path = try normalizedSubfolder(path)
        self.cacheDirectory = URL(fileURLWithPath: cacheDirectory).standardizedFileURL.path
        self.auth = auth
        self.timeout = timeout
        self.runner = runner
        self.extraEnvironment = extraEnvironment
    }

    /// The last successful checkout, if any (with `changed` false): what the
    /// controller keeps applied while the source is failing.
    public var lastCheckout: GitCheckout? {
        current.map { checkout(of: $0, changed: false) }
    }

    /// Brings the checkout up to date with the remote; see the type's notes.
    public func sync() async throws(GitSourceError) -> GitCheckout {
        let earlier = queue
        let work = Task { () async -> Result<GitCheckout, GitSourceError> in
            await earlier?.value
            return await self.syncNow()
        }
        queue = Task { _ = await work.value }
        let result = await withTaskCancellationHandler { await work.value } onCancel: { work.cancel() }
        return try result.get()
    }

    private func syncNow() async -> Result<GitCheckout, GitSourceError> {
        let session: GitSession
        do {
            // Work trees sit inside the cache; git must never mistake a folder around it for their repository.
            let environment = ["GIT_CEILING_DIRECTORIES": cacheDirectory + "/checkouts"].merging(extraEnvironment) { _, given in given }
            session = GitSession(runner: runner, auth: try auth.resolve(urlCredential: urlCredential), extraEnvironment: environment,
                                 url: url, timeout: timeout)
        } catch {
            return .failure(error)
        }
        let cache = GitRepositoryCache(root: cacheDirectory, url: url, session: session)
        do {
            return .success(try await attempt(with: cache, fresh: false))
        } catch where error.mayBeLocal {
            // The remote answered, so a damaged cache is the likelier cause: once more from scratch.
            do {
                return .success(try await attempt(with: cache, fresh: true))
            } catch {
                return .failure(error)
            }
        } catch {
            return .failure(error)
        }
    }

    private func attempt(with cache: GitRepositoryCache, fresh: Bool) async throws(GitSourceError) -> GitCheckout {
        try await cache.prepare(fresh: fresh)
        let remoteRef: String?
        let advertised: String
        switch reference {
        case .commit(let sha):
            (remoteRef, advertised) = (nil, sha)
        default:
            (remoteRef, advertised) = try await cache.resolveRemote(reference)
        }
        if let current, current.advertised == advertised,
           try await cache.refresh(current.workTree, commit: current.commit) {
            return try accept(Current(commit: current.commit, advertised: advertised, workTree: current.workTree))
        }
        let commit: String
        if let remoteRef {
            commit = try await cache.fetch(remoteRef: remoteRef, for: reference)
        } else {
            commit = advertised
            try await cache.fetch(commit: commit, for: reference)
        }
        // A moved tag or a branch reset to where it was: same commit, the work tree can stay.
        if let current, current.commit == commit, try await cache.refresh(current.workTree, commit: commit) {
            return try accept(Current(commit: commit, advertised: advertised, workTree: current.workTree))
        }
        let workTree = try await cache.addWorkTree(at: commit)
        let checkout: GitCheckout
        do {
            checkout = try accept(Current(commit: commit, advertised: advertised, workTree: workTree))
        } catch {
            cache.remove([workTree])
            throw error
        }
        await cache.removeWorkTrees(keeping: Set([workTree, previousWorkTree].compactMap { $0 }))
        return checkout
    }

    /// Checks the subfolder stays inside the work tree, then records the new state.
    private func accept(_ next: Current) throws(GitSourceError) -> GitCheckout {
        let result = checkout(of: next, changed: current?.commit != next.commit)
        let root = URL(fileURLWithPath: next.workTree).resolvingSymlinksInPath().path
        let target = URL(fileURLWithPath: result.directory).resolvingSymlinksInPath().path
        guard target == root || target.hasPrefix(root + "/") else {
            throw GitSourceError(.invalidConfiguration, "the Git path '\(path)' leads outside the repository at \(next.commit)")
        }
        if let current, current.workTree != next.workTree { previousWorkTree = current.workTree }
        current = next
        return result
    }

    private func checkout(of state: Current, changed: Bool) -> GitCheckout {
        GitCheckout(directory: path.isEmpty ? state.workTree : "\(state.workTree)/\(path)",
                    workTree: state.workTree, commit: state.commit,
                    revision: reference.revision(commit: state.commit), changed: changed)
    }
}
