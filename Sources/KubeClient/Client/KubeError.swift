/// Every way a client call fails, each keeping the underlying error value.
public enum KubeError: Error, Sendable, CustomStringConvertible {
    /// The server answered with an error status; its Status as it sent it.
    case status(KubeStatus)
    /// No HTTP answer (TLS, connection, timeout, cancelled).
    case transport(TransportError)
    case configuration(KubeConfigError)
    /// The kind is not served (yet): a CRD not installed.
    case discovery(DiscoveryError)
    /// A watch line that is not a watch event.
    case watch(WatchDecodeError)
    /// An object given to the client lacks what the call needs (kind, name …).
    case invalidObject(String)
    /// The server's answer could not be read.
    case invalidResponse(String)

    public var status: KubeStatus? { if case .status(let status) = self { return status } else { return nil } }
    public var isNotFound: Bool { status?.isNotFound ?? false }
    public var isConflict: Bool { status?.isConflict ?? false }
    public var isGone: Bool { status?.isGone ?? false }

    public var description: String {
        switch self {
        case .status(let status): return status.description
        case .transport(let error): return error.description
        case .configuration(let error): return error.description
        case .discovery(let error): return error.description
        case .watch(let error): return error.description
        case .invalidObject(let message): return "invalid object: \(message)"
        case .invalidResponse(let message): return "invalid response: \(message)"
        }
    }
}
