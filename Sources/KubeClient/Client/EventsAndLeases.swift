import FabricValue
import Foundation

/// A `coordination.k8s.io/v1` Lease, the record leader election is built on.
public struct Lease: Sendable, Equatable {
    public var namespace: String
    public var name: String
    public var holderIdentity: String?
    public var leaseDurationSeconds: Int?
    public var acquireTime: String?
    public var renewTime: String?
    public var leaseTransitions: Int
    /// The version read; an update with it fails with 409 if someone else wrote in between.
    public var resourceVersion: String?

    public init(namespace: String, name: String, holderIdentity: String? = nil, leaseDurationSeconds: Int? = nil, acquireTime: String? = nil,
                renewTime: String? = nil, leaseTransitions: Int = 0, resourceVersion: String? = nil) {
        self.namespace = namespace
        self.name = name
        self.holderIdentity = holderIdentity
        self.leaseDurationSeconds = leaseDurationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.leaseTransitions = leaseTransitions
        self.resourceVersion = resourceVersion
    }

    init(object: Value) {
        let spec = object["spec"]
        self.init(namespace: object.value(at: "metadata", "namespace")?.stringValue ?? "",
                  name: object.value(at: "metadata", "name")?.stringValue ?? "",
                  holderIdentity: spec?["holderIdentity"]?.stringValue,
                  leaseDurationSeconds: spec?["leaseDurationSeconds"]?.intValue.map(Int.init),
                  acquireTime: spec?["acquireTime"]?.stringValue, renewTime: spec?["renewTime"]?.stringValue,
                  leaseTransitions: spec?["leaseTransitions"]?.intValue.map(Int.init) ?? 0,
                  resourceVersion: object.value(at: "metadata", "resourceVersion")?.stringValue)
    }

    var object: Value {
        var metadata = Object([("name", .string(name)), ("namespace", .string(namespace))])
        if let resourceVersion { metadata["resourceVersion"] = .string(resourceVersion) }
        var spec = Object()
        if let holderIdentity { spec["holderIdentity"] = .string(holderIdentity) }
        if let leaseDurationSeconds { spec["leaseDurationSeconds"] = .int(Int64(leaseDurationSeconds)) }
        if let acquireTime { spec["acquireTime"] = .string(acquireTime) }
        if let renewTime { spec["renewTime"] = .string(renewTime) }
        spec["leaseTransitions"] = .int(Int64(leaseTransitions))
        return .object(Object([("apiVersion", "coordination.k8s.io/v1"), ("kind", "Lease"), ("metadata", .object(metadata)), ("spec", .object(spec))]))
    }

    /// Lease times are RFC 3339 with microseconds (`MicroTime`).
    public static func microTime(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let text = formatter.string(from: date)  // …T12:00:00.123Z
        return text.replacingOccurrences(of: "Z", with: "000Z")
    }
}

/// An event's severity, as `kubectl get events` shows it.
public enum EventType: String, Sendable {
    case normal = "Normal"
    case warning = "Warning"
}

extension KubeClient {
    public func getLease(namespace: String, name: String) async throws(KubeError) -> Lease? {
        try await getIfPresent(apiVersion: "coordination.k8s.io/v1", kind: "Lease", namespace: namespace, name: name).map(Lease.init(object:))
    }

    /// Creates the Lease; 409 AlreadyExists when another candidate was first.
    public func createLease(_ lease: Lease) async throws(KubeError) -> Lease {
        var fresh = lease
        fresh.resourceVersion = nil
        return Lease(object: try await create(fresh.object, namespace: lease.namespace))
    }

    /// Writes the Lease as read (its resourceVersion): 409 Conflict when someone else wrote it since.
    public func updateLease(_ lease: Lease) async throws(KubeError) -> Lease {
        Lease(object: try await update(lease.object, namespace: lease.namespace))
    }

    /// Records a core/v1 Event about `object` (the Fabric), in its namespace.
    @discardableResult
    public func recordEvent(about object: Value, type: EventType, reason: String, message: String, component: String = "fabricsync",
                            now: Date = Date()) async throws(KubeError) -> Value {
        let reference = try ObjectReference(object)
        let name = try reference.requireName()
        let namespace = reference.namespace ?? config.namespace
        var involved = Object([("apiVersion", .string(reference.apiVersion)), ("kind", .string(reference.kind)), ("name", .string(name))])
        if reference.namespace != nil { involved["namespace"] = .string(namespace) }
        for key in ["uid", "resourceVersion"] {
            if let value = object.value(at: "metadata", key) { involved[key] = value }
        }
        let formatter = ISO8601DateFormatter()
        let stamp = Value.string(formatter.string(from: now))
        let event: Value = .object(Object([
            ("apiVersion", "v1"), ("kind", "Event"),
            ("metadata", .object(Object([("generateName", .string(name + ".")), ("namespace", .string(namespace))]))),
            ("involvedObject", .object(involved)),
            ("reason", .string(reason)), ("message", .string(String(message.prefix(1024)))), ("type", .string(type.rawValue)),
            ("source", .object(Object([("component", .string(component))]))),
            ("reportingComponent", .string(component)), ("reportingInstance", .string(ProcessInfo.processInfo.hostName)),
            ("firstTimestamp", stamp), ("lastTimestamp", stamp), ("count", .int(1)),
        ]))
        return try await create(event, namespace: namespace)
    }
}
