import FabricValue
import Foundation
import KubeClient

/// Runs leader election on a Lease with `LeaderElectionRules`' decisions,
/// and labels the leader's own Pod so the notifications Service reaches it.
public actor LeaderElector {
    public let rules: LeaderElectionRules
    let client: KubeClient
    let namespace: String
    let leaseName: String
    /// The Pod to label (`POD_NAMESPACE`/`POD_NAME` from the downward API); nil outside a cluster.
    let pod: (namespace: String, name: String)?
    let log: ControllerLog
    private(set) public var isLeader = false
    private var lastRenewal: Double = 0
    private var onChange: (@Sendable (Bool) async -> Void)?

    public static let roleLabel = "fabric.githedgehog.com/role"

    public init(client: KubeClient, namespace: String, leaseName: String = "fabricsync-leader", rules: LeaderElectionRules,
                pod: (namespace: String, name: String)?, log: ControllerLog) {
        self.client = client
        self.namespace = namespace
        self.leaseName = leaseName
        self.rules = rules
        self.pod = pod
        self.log = log
    }

    /// Campaigns and renews until cancelled; `onChange(true)` when this
    /// process starts leading, `onChange(false)` the moment it stops.
    public func run(onChange: @escaping @Sendable (Bool) async -> Void) async {
        self.onChange = onChange
        while !Task.isCancelled {
            await attemptWithinRenewDeadline()
            do { try await Task.sleep(for: .milliseconds(Int(rules.retryPeriod * 1000))) } catch { break }
        }
    }

    private func now() -> Double { Date().timeIntervalSince1970 }

    /// A hung API server must not keep a leader leading: the attempt is given
    /// up at the renew deadline, and a leader that has not renewed by then steps down.
    private func attemptWithinRenewDeadline() async {
        let deadline = Duration.milliseconds(Int(rules.renewDeadline * 1000))
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.attempt() }
            group.addTask { try? await Task.sleep(for: deadline) }  // the timer; its cancellation is expected
            await group.next()
            group.cancelAll()
        }
        if isLeader, rules.mustStepDown(lastRenewal: lastRenewal, now: now()) {
            await setLeader(false, reason: "could not renew the lease within \(rules.renewDeadline) s")
        }
    }

    private func attempt() async {
        do {
            let lease = try await client.getLease(namespace: namespace, name: leaseName)
            let record = lease.map(Self.record)
            switch rules.decide(current: record, now: now()) {
            case .standBy(let holder):
                if isLeader { await setLeader(false, reason: "the lease is held by \(holder)") }
            case .write(let next):
                var written = Lease(namespace: namespace, name: leaseName, holderIdentity: next.holderIdentity, leaseDurationSeconds: next.leaseDurationSeconds,
                                    acquireTime: next.acquireTime.map(LeaderElectionRules.microTime), renewTime: next.renewTime.map(LeaderElectionRules.microTime),
                                    leaseTransitions: next.leaseTransitions, resourceVersion: lease?.resourceVersion)
                written = lease == nil ? try await client.createLease(written) : try await client.updateLease(written)
                lastRenewal = now()
                if !isLeader { await setLeader(true, reason: "acquired lease \(namespace)/\(leaseName)") }
            }
        } catch {
            // A conflict means another candidate wrote first; anything else is a failed renewal.
            if isLeader, rules.mustStepDown(lastRenewal: lastRenewal, now: now()) {
                await setLeader(false, reason: "could not renew the lease within \(rules.renewDeadline) s: \(error)")
            }
        }
    }

    /// Gives the lease up (SIGTERM), so a standby takes over at once.
    public func release() async {
        guard isLeader else { return }
        await setLeader(false, reason: "shutting down")
        do {
            guard let lease = try await client.getLease(namespace: namespace, name: leaseName),
                  let released = rules.released(Self.record(lease)) else { return }
            var written = lease
            written.holderIdentity = released.holderIdentity
            written.leaseDurationSeconds = released.leaseDurationSeconds
            _ = try await client.updateLease(written)
        } catch {
            log.warning("could not release the lease; a standby takes over when it expires", [("error", .string("\(error)"))])
        }
    }

    private func setLeader(_ leading: Bool, reason: String) async {
        isLeader = leading
        log.info(leading ? "leading" : "standing by", [("identity", .string(rules.identity)), ("reason", .string(reason))])
        await onChange?(leading)
        await labelPod(leading)
    }

    private func labelPod(_ leading: Bool) async {
        guard let pod else { return }
        do {
            _ = try await client.mergePatch(apiVersion: "v1", kind: "Pod", namespace: pod.namespace, name: pod.name,
                                            patch: ["metadata": ["labels": [Self.roleLabel: leading ? "leader" : .null]]])
        } catch {
            log.warning("could not label the Pod", [("pod", .string(pod.name)), ("error", .string("\(error)"))])
        }
    }

    static func record(_ lease: Lease) -> LeaderElectionRules.LeaseRecord {
        LeaderElectionRules.LeaseRecord(holderIdentity: lease.holderIdentity, leaseDurationSeconds: lease.leaseDurationSeconds,
                                        acquireTime: lease.acquireTime.flatMap(Timestamp.parse), renewTime: lease.renewTime.flatMap(Timestamp.parse),
                                        leaseTransitions: lease.leaseTransitions)
    }
}
