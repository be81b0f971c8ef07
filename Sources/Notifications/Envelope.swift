import FabricValue

/// One server message of the notification protocol:
/// `{"type", "seq", "timestamp", "fabric_id"?, "data"}`.
public struct Envelope: Sendable, Equatable {
    public var type: String
    public var seq: UInt64
    /// RFC 3339 with milliseconds.
    public var timestamp: String
    /// `namespace/name`; absent for process-wide messages.
    public var fabricID: String?
    public var data: Value

    public init(type: String, seq: UInt64, timestamp: String, fabricID: String? = nil, data: Value) {
        self.type = type
        self.seq = seq
        self.timestamp = timestamp
        self.fabricID = fabricID
        self.data = data
    }

    public var value: Value {
        var object = Object()
        object["type"] = .string(type)
        object["seq"] = .int(Int64(seq))
        object["timestamp"] = .string(timestamp)
        if let fabricID { object["fabric_id"] = .string(fabricID) }
        object["data"] = data
        return .object(object)
    }

    /// The envelope as compact JSON, the bytes every transport sends.
    public var json: [UInt8] { JSONWriter.data(value) }

    public init?(_ value: Value) {
        guard let type = value["type"]?.stringValue, let seq = value["seq"]?.intValue, seq >= 0,
            let timestamp = value["timestamp"]?.stringValue
        else { return nil }
        self.init(type: type, seq: UInt64(seq), timestamp: timestamp, fabricID: value["fabric_id"]?.stringValue, data: value["data"] ?? .object(Object()))
    }
}

/// The message types, named once.
public enum MessageType {
    // Stream events (each takes a new seq).
    public static let fabricStatusUpdate = "fabric_status_update"
    public static let syncStarted = "sync_started"
    public static let syncProgress = "sync_progress"
    public static let syncCompleted = "sync_completed"
    public static let driftDetected = "drift_detected"
    public static let validationResult = "validation_result"
    public static let statsUpdate = "stats_update"
    // Direct replies (carry the latest seq at that moment).
    public static let connectionAck = "connection_ack"
    public static let fabricStatus = "fabric_status"
    public static let pong = "pong"
    public static let error = "error"
    public static let resumeResult = "resume_result"
}
