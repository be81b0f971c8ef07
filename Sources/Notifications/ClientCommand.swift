import FabricValue

/// A message a client sends (fields at the top level, as the seeds' clients send them).
public enum ClientCommand: Sendable, Equatable {
    case subscribe(FabricFilter)
    case unsubscribe(FabricFilter)
    case ping(clientTime: Value?)
    case resume(since: UInt64, streamID: String?)

    public struct ParseError: Error, Sendable, Equatable {
        public var code: String
        public var message: String
    }

    public static func parse(_ text: String) -> Result<ClientCommand, ParseError> {
        let value: Value
        do { value = try JSONReader.parse(text) } catch {
            return .failure(ParseError(code: "invalid_json", message: "message is not JSON: \(error)"))
        }
        guard value.objectValue != nil else { return .failure(ParseError(code: "invalid_message", message: "message must be a JSON object")) }
        guard let type = value["type"]?.stringValue else { return .failure(ParseError(code: "invalid_message", message: "message has no \"type\"")) }
        switch type {
        case "subscribe_fabric", "unsubscribe_fabric":
            guard let id = value["fabric_id"]?.stringValue, let filter = FabricFilter(id) else {
                return .failure(ParseError(code: "invalid_fabric_id", message: "\(type) needs \"fabric_id\": \"namespace/name\" or \"*\""))
            }
            return .success(type == "subscribe_fabric" ? .subscribe(filter) : .unsubscribe(filter))
        case "ping":
            return .success(.ping(clientTime: value["client_time"]))
        case "resume":
            guard let since = value["since"]?.intValue, since >= 0 else {
                return .failure(ParseError(code: "invalid_message", message: "resume needs \"since\": a non-negative integer seq"))
            }
            return .success(.resume(since: UInt64(since), streamID: value["stream_id"]?.stringValue))
        default:
            return .failure(ParseError(code: "unknown_type", message: "unknown message type \"\(type)\""))
        }
    }
}

extension ClientCommand {
    /// The optional resume point of a `subscribe_fabric` (`since`, `stream_id`): an
    /// addition to the seeds' protocol so a reconnecting client subscribes and
    /// replays in one step, strictly in order.
    public static func resumePoint(of text: String) -> (since: UInt64, streamID: String?)? {
        guard let value = try? JSONReader.parse(text), let since = value["since"]?.intValue, since >= 0 else { return nil }  // parse already reported errors
        return (UInt64(since), value["stream_id"]?.stringValue)
    }
}

/// `namespace/name`, or `*` for every fabric.
public enum FabricFilter: Sendable, Hashable {
    case all
    case fabric(String)

    public init?(_ text: String) {
        if text == "*" { self = .all; return }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        self = .fabric(text)
    }
}

/// What one client has asked to see. A new client sees only `stats_update`.
public struct Subscriptions: Sendable, Equatable {
    public private(set) var all = false
    public private(set) var fabrics: Set<String> = []

    public init() {}

    public mutating func apply(_ command: ClientCommand) {
        switch command {
        case .subscribe(.all): all = true
        case .subscribe(.fabric(let id)): fabrics.insert(id)
        case .unsubscribe(.all): all = false; fabrics = []
        case .unsubscribe(.fabric(let id)): fabrics.remove(id)
        default: break
        }
    }

    public func wants(_ envelope: Envelope) -> Bool {
        guard let id = envelope.fabricID else { return envelope.type == MessageType.statsUpdate || !isEmpty }
        return all || fabrics.contains(id)
    }

    public var isEmpty: Bool { !all && fabrics.isEmpty }
}
