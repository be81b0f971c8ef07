/// Why a Git source could not produce a checkout. The message is meant for a
/// Fabric's `SourceUnavailable` condition: it names the ref and the remote
/// (with any credential redacted) and carries git's own words.
public struct GitSourceError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The URL, ref or subfolder given to the source is not acceptable.
        case invalidConfiguration
        /// A token, password or key file could not be read.
        case credentialsUnreadable
        /// The remote could not be reached or refused to talk (`git ls-remote` failed).
        case remoteUnavailable
        /// The remote refused the credentials (or wanted some and had none).
        case authenticationFailed
        /// The branch, tag or commit does not exist in the remote.
        case refNotFound
        /// The remote answered but the objects could not be fetched.
        case fetchFailed
        /// The fetched commit could not be written out as a work tree.
        case checkoutFailed
        /// The cache folder could not be created, repaired or cleaned.
        case cacheFailed
        /// git did not finish within the source's timeout; it was killed.
        case timedOut
        /// The calling task was cancelled; git was killed.
        case cancelled
        /// git could not be started at all.
        case launchFailed
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// Failures that may come from a damaged cache rather than from the remote:
    /// worth one more attempt with a freshly built repository.
    var mayBeLocal: Bool {
        switch code {
        case .fetchFailed, .checkoutFailed, .cacheFailed: true
        default: false
        }
    }
}
