import FabricValue

/// client-go's leader-election rules over a `coordination.k8s.io/v1` Lease,
/// as pure decisions: the elector loop reads the Lease, asks `decide`, and
/// writes what it says. Times are seconds since the epoch.
///
/// 15 s lease, 10 s renew deadline, 2 s retry period (the design's numbers,
/// also client-go's defaults for controllers). A leader that cannot renew
/// within the renew deadline stops reconciling at once — before its lease can
/// expire and another replica take over — so two leaders never overlap.
public struct LeaderElectionRules: Sendable {
    public var identity: String
    public var leaseDuration: Double = 15
    public var renewDeadline: Double = 10
    public var retryPeriod: Double = 2

    public init(identity: String) { self.identity = identity }

    /// What the Lease says (nil fields: absent).
    public struct LeaseRecord: Sendable, Hashable {
        public var holderIdentity: String?
        public var leaseDurationSeconds: Int?
        public var acquireTime: Double?
        public var renewTime: Double?
        public var leaseTransitions: Int

        public init(holderIdentity: String? = nil, leaseDurationSeconds: Int? = nil, acquireTime: Double? = nil, renewTime: Double? = nil, leaseTransitions: Int = 0) {
            self.holderIdentity = holderIdentity
            self.leaseDurationSeconds = leaseDurationSeconds
            self.acquireTime = acquireTime
            self.renewTime = renewTime
            self.leaseTransitions = leaseTransitions
        }

        public init(lease: Value) {
            let spec = lease["spec"]
            self.init(
                holderIdentity: spec?["holderIdentity"]?.stringValue,
                leaseDurationSeconds: (spec?["leaseDurationSeconds"]?.intValue).map(Int.init),
                acquireTime: (spec?["acquireTime"]?.stringValue).flatMap(Timestamp.parse),
                renewTime: (spec?["renewTime"]?.stringValue).flatMap(Timestamp.parse),
                leaseTransitions: Int(spec?["leaseTransitions"]?.intValue ?? 0))
        }

        /// The Lease's `spec` (MicroTime, as the API writes it).
        public var spec: Value {
            var object = Object()
            if let holderIdentity { object["holderIdentity"] = .string(holderIdentity) }
            if let leaseDurationSeconds { object["leaseDurationSeconds"] = .int(Int64(leaseDurationSeconds)) }
            if let acquireTime { object["acquireTime"] = .string(LeaderElectionRules.microTime(acquireTime)) }
            if let renewTime { object["renewTime"] = .string(LeaderElectionRules.microTime(renewTime)) }
            object["leaseTransitions"] = .int(Int64(leaseTransitions))
            return .object(object)
        }
    }

    public enum Decision: Sendable, Hashable {
        /// Write this record (create the Lease when there is none). Leading once the write succeeds.
        case write(LeaseRecord)
        /// Someone else holds a live lease: stand by, look again after `retryPeriod`.
        case standBy(holder: String)
    }

    public func decide(current: LeaseRecord?, now: Double) -> Decision {
        guard let current, let holder = current.holderIdentity, !holder.isEmpty else {
            return .write(LeaseRecord(holderIdentity: identity, leaseDurationSeconds: Int(leaseDuration), acquireTime: now, renewTime: now, leaseTransitions: (current?.leaseTransitions ?? 0) + (current == nil ? 0 : 1)))
        }
        if holder == identity {
            var renewed = current
            renewed.renewTime = now
            renewed.leaseDurationSeconds = Int(leaseDuration)
            return .write(renewed)
        }
        let duration = Double(current.leaseDurationSeconds ?? Int(leaseDuration))
        if let renewed = current.renewTime ?? current.acquireTime, renewed + duration > now {
            return .standBy(holder: holder)
        }
        return .write(LeaseRecord(holderIdentity: identity, leaseDurationSeconds: Int(leaseDuration), acquireTime: now, renewTime: now, leaseTransitions: current.leaseTransitions + 1))
    }

    /// On SIGTERM the leader gives the lease up at once (client-go's
    /// ReleaseOnCancel), so a standby takes over without waiting it out.
    public func released(_ current: LeaseRecord) -> LeaseRecord? {
        guard current.holderIdentity == identity else { return nil }
        var record = current
        record.holderIdentity = nil
        record.leaseDurationSeconds = 1
        return record
    }

    /// A leader whose last successful renewal is older than the renew deadline
    /// must stop leading now.
    public func mustStepDown(lastRenewal: Double, now: Double) -> Bool {
        now - lastRenewal >= renewDeadline
    }

    /// `2026-11-23T17:44:53.123456Z`, the API's MicroTime.
    static func microTime(_ seconds: Double) -> String {
        let text = Timestamp.milliseconds(sinceEpoch: seconds)
        return String(text.dropLast()) + "000Z"
    }
}
