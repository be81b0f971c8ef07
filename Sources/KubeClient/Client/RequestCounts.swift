import Synchronization

/// Requests this client sent, by HTTP method and the status the server
/// answered (0: no answer — a transport failure), for the controller's metrics.
public final class RequestCounts: Sendable {
    public struct Key: Hashable, Sendable {
        public var method: String
        public var status: Int
    }

    private let counts = Mutex<[Key: Int]>([:])

    public init() {}

    func record(method: String, status: Int) {
        counts.withLock { $0[Key(method: method, status: status), default: 0] += 1 }
    }

    public var snapshot: [Key: Int] { counts.withLock { $0 } }
}
