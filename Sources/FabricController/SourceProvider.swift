import Foundation
import FabricSource

/// Where the controller reads fabrics from: a folder, or a Git checkout.
public protocol SourceProvider: Sendable {
    /// Reads the source now; throws when it cannot be read at all (`SourceUnavailable`).
    func load() async throws -> LoadedSource
    /// Asks for a fetch now (the push-webhook target); a folder has nothing to fetch.
    func refresh() async
    /// Names this source (a folder's absolute path, a repository's URL and
    /// path). Written on every Fabric it applies, so that only Fabrics from
    /// this very source are ever deleted when their file leaves it.
    var identity: String { get }
}

public struct FolderSource: SourceProvider {
    public let root: String
    public let options: SourceOptions

    public init(root: String, options: SourceOptions = SourceOptions()) {
        self.root = root
        self.options = options
    }

    public func load() async throws -> LoadedSource {
        try SourceLoader.load(root: root, options: options)
    }

    public func refresh() async {}

    public var identity: String { "folder:" + URL(fileURLWithPath: root).standardizedFileURL.resolvingSymlinksInPath().path }
}
