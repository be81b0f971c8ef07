import FabricValue
import Foundation

/// Produces the bearer token for each request from `Credentials`: a fixed
/// token, a token file re-read when it changes, or an exec plugin's output
/// cached until it expires.
public final class TokenSource: @unchecked Sendable {
    public let credentials: Credentials
    private let lock = NSLock()
    private var fileStamp: FileStamp?
    private var cachedToken: String?
    private var cachedExpiry: Date?
    private var cachedIdentity: ClientIdentity?
    private let now: @Sendable () -> Date

    public init(_ credentials: Credentials, now: @escaping @Sendable () -> Date = Date.init) {
        self.credentials = credentials
        self.now = now
    }

    /// The token to send now, or nil when the credentials carry none.
    public func token() async throws(KubeConfigError) -> String? { try await credential().token }

    /// The token and, from an exec plugin, a client certificate to present now.
    public func credential() async throws(KubeConfigError) -> (token: String?, identity: ClientIdentity?) {
        switch credentials {
        case .none: return (nil, nil)
        case .token(let token): return (token, nil)
        case .tokenFile(let path): return (try fileToken(path), nil)
        case .exec(let plugin): return try await execCredential(plugin)
        }
    }

    /// Forgets an exec token (after a 401), so the next request runs the plugin again.
    public func invalidate() {
        lock.lock()
        cachedExpiry = nil
        cachedToken = nil
        cachedIdentity = nil
        fileStamp = nil
        lock.unlock()
    }

    /// A file's identity: a rotated token (kubelet swaps a symlink) changes inode, mtime or size.
    private struct FileStamp: Equatable {
        var inode: UInt64
        var modified: Int
        var modifiedNanoseconds: Int
        var size: Int64
    }

    private func fileToken(_ path: String) throws(KubeConfigError) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw KubeConfigError("token file \(path) cannot be read: \(String(cString: strerror(errno)))")
        }
        let stamp = FileStamp(inode: UInt64(info.st_ino), modified: info.st_mtim.tv_sec, modifiedNanoseconds: info.st_mtim.tv_nsec, size: Int64(info.st_size))
        lock.lock()
        if stamp == fileStamp, let cachedToken {
            lock.unlock()
            return cachedToken
        }
        lock.unlock()
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KubeConfigError("token file \(path) cannot be read")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw KubeConfigError("token file \(path) is empty") }
        lock.lock()
        fileStamp = stamp
        cachedToken = token
        lock.unlock()
        return token
    }

    private func execCredential(_ plugin: ExecPlugin) async throws(KubeConfigError) -> (token: String?, identity: ClientIdentity?) {
        let now = self.now()
        let cached: (String?, ClientIdentity?)? = lock.withLock {
            guard cachedToken != nil || cachedIdentity != nil, cachedExpiry.map({ $0 > now }) ?? true else { return nil }
            return (cachedToken, cachedIdentity)
        }
        if let cached { return cached }
        let output = try await ExecPluginRunner.run(plugin)
        let result = try ExecPluginRunner.parse(output, plugin: plugin)
        lock.withLock {
            cachedToken = result.token
            cachedIdentity = result.identity
            cachedExpiry = result.expiry
        }
        return (result.token, result.identity)
    }
}
