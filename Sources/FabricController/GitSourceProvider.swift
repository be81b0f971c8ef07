import FabricSource
import Foundation
import GitSource
import Synchronization

/// A Git repository as the source: fetched on `interval` and on `refresh()`
/// (the push webhook), read from the exact commit checked out. When a fetch
/// fails, `load` throws — every fabric then says `SourceUnavailable` — while
/// the last good checkout stays on disk and in the cluster; nothing is pruned.
public final class GitSourceProvider: SourceProvider {
    let repository: GitRepositorySource
    let options: SourceOptions
    let interval: Duration
    private let state = Mutex<(lastFetch: ContinuousClock.Instant?, forced: Bool, loaded: LoadedSource?, failure: String?)>((nil, false, nil, nil))

    public init(repository: GitRepositorySource, options: SourceOptions, interval: Duration) {
        self.repository = repository
        var options = options
        options.git = nil  // the revision comes from the checkout, not from a work-tree status
        self.options = options
        self.interval = interval
    }

    public func load() async throws -> LoadedSource {
        let due = state.withLock { state in
            state.forced || state.lastFetch.map { ContinuousClock.now - $0 >= interval } ?? true
        }
        guard due else {
            let (loaded, failure) = state.withLock { ($0.loaded, $0.failure) }
            if let failure { throw SourceUnavailable(message: failure) }
            if let loaded { return loaded }
            throw SourceUnavailable(message: "the repository has not been fetched yet")
        }
        state.withLock { $0.lastFetch = .now; $0.forced = false }
        do {
            let checkout = try await repository.sync()
            var loaded = try SourceLoader.load(root: checkout.directory, options: options)
            loaded.revision = checkout.revision
            state.withLock { $0.loaded = loaded; $0.failure = nil }
            return loaded
        } catch {
            let message = "\(error)"
            state.withLock { $0.failure = message }
            throw SourceUnavailable(message: message)
        }
    }

    public var identity: String { "git:" + repository.url + "//" + repository.path }

    public func refresh() async {
        state.withLock { $0.forced = true }
    }
}

/// The source could not be read; carried into every fabric's status as `SourceUnavailable`.
public struct SourceUnavailable: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
