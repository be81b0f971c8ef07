import FabricValue
import Foundation

/// Kind → resource for one cluster, filled one group version at a time and
/// refreshed when a kind is not known (a CRD just installed).
public final class DiscoveryCache: Sendable {
    /// Fetches the `APIResourceList` of a group version; `nil` when the server serves no such group version (404).
    public typealias Fetch = @Sendable (_ groupVersionPath: String) async throws -> Value?

    private let fetch: Fetch
    private let state = Mutex<[String: [APIResource]]>([:])

    public init(fetch: @escaping Fetch) { self.fetch = fetch }

    /// The resource serving `gvk`; fetches its group version when it is unknown
    /// or the kind is missing from what was cached.
    public func resource(for gvk: GroupVersionKind) async throws -> APIResource {
        if let known = cached(gvk) { return known }
        try await refresh(groupVersion: gvk.groupVersion)
        if let known = cached(gvk) { return known }
        throw DiscoveryError("the server does not serve \(gvk.kind) in \(gvk.groupVersion) (is its CustomResourceDefinition installed?)")
    }

    /// Reads a group version again (after CRDs were installed or changed).
    public func refresh(groupVersion: String) async throws {
        let gv = GroupVersionKind(apiVersion: groupVersion, kind: "")
        let path = gv.group.isEmpty ? "/api/\(gv.version)" : "/apis/\(gv.group)/\(gv.version)"
        let resources = try await fetch(path).map { list throws(DiscoveryError) in try APIResource.parseList(list) } ?? []
        state.withLock { $0[groupVersion] = resources }
    }

    /// Forgets everything; the next lookups fetch again.
    public func invalidate() { state.withLock { $0.removeAll() } }

    public func cached(_ gvk: GroupVersionKind) -> APIResource? {
        state.withLock { $0[gvk.groupVersion]?.first { $0.kind == gvk.kind } }
    }
}
