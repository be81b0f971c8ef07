import FabricDiff
import FabricSource
import FabricValue
import Foundation
import KubeClient

/// Keeps the cluster matching the source: loads the source, schedules each
/// fabric (interval, source change, drift, manual), runs reconciles up to
/// `concurrency` at once, and remembers what each one applied.
public actor Controller {
    public struct Configuration: Sendable {
        public var concurrency = 4
        public var sourcePollInterval: Duration = .seconds(2)
        public var reconciler = Reconciler.Options()
        public init() {}
    }

    struct FabricState {
        var source: FabricSource?
        var removedLive: Value?
        /// What the fabric's objects looked like in the source the last time (to tell which fabrics a new revision touches).
        var signature = ""
        var lastApplied: [String: Value] = [:]
        var previouslyInvalid = false
        var lastReport: ReconcileReport?
    }

    public let configuration: Configuration
    let source: any SourceProvider
    let home: any FabricStore
    let reconciler: Reconciler
    let log: ControllerLog
    var scheduler: Scheduler
    var loaded: LoadedSource?
    var sourceError: String?
    var fabrics: [String: FabricState] = [:]
    var running: [String: (token: Int, task: Task<Void, Never>)] = [:]
    var nextToken = 0
    var stopping = false
    let origin = ContinuousClock.now
    var lastPoll: ContinuousClock.Instant?
    var reconcilesTotal = 0
    /// Member changes seen while their fabric's run was in flight (latest per object).
    var observedDuringRun: [String: [String: ObservedChange]] = [:]

    public init(configuration: Configuration, source: any SourceProvider, home: any FabricStore, reconciler: Reconciler, log: ControllerLog) {
        self.configuration = configuration
        self.source = source
        self.home = home
        self.reconciler = reconciler
        self.log = log
        var schedule = Scheduler.Configuration()
        schedule.concurrency = configuration.concurrency
        self.scheduler = Scheduler(configuration: schedule)
    }

    var elapsed: Duration { ContinuousClock.now - origin }

    // MARK: - Running

    /// Runs until the task is cancelled or `stop` is called; in-flight reconciles finish (see `drain`).
    public func run() async {
        while !Task.isCancelled && !stopping {
            if lastPoll.map({ ContinuousClock.now - $0 >= configuration.sourcePollInterval }) ?? true {
                await refreshSource()
            }
            for run in scheduler.runsDue(now: elapsed) { start(run) }
            // A short tick keeps triggers (drift, manual) prompt without a wake-up channel.
            try? await Task.sleep(for: .milliseconds(25))  // cancellation ends the loop at its check
        }
    }

    /// Reconciles every fabric once (for `run --once` and `diff`), `concurrency` at a time.
    public func reconcileEveryFabricOnce() async -> [ReconcileReport] {
        await refreshSource()
        var reports: [ReconcileReport] = []
        let requests = fabrics.keys.sorted().compactMap { request(for: $0, trigger: .startup) }
        await withTaskGroup(of: ReconcileReport.self) { group in
            var next = 0
            for _ in 0..<min(configuration.concurrency, requests.count) {
                let request = requests[next]
                next += 1
                group.addTask { await self.reconciler.reconcile(request) }
            }
            for await report in group {
                reports.append(report)
                if next < requests.count {
                    let request = requests[next]
                    next += 1
                    group.addTask { await self.reconciler.reconcile(request) }
                }
            }
        }
        for report in reports { remember(report) }
        return reports.sorted { $0.fabricID < $1.fabricID }
    }

    /// Stops taking work and waits up to `grace` for in-flight reconciles.
    public func drain(grace: Duration) async {
        stopping = true
        let deadline = ContinuousClock.now + grace
        while !running.isEmpty && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))  // polling the running set; cancellation only shortens the wait
        }
        abandonInFlight()
    }

    /// Leadership lost: stop at once. In-flight reconciles are cancelled and
    /// counted as failed, so the next leader (maybe us again) retries them.
    public func abandonInFlight() {
        for (fabric, run) in running {
            run.task.cancel()
            scheduler.finished(fabric, succeeded: false, now: elapsed)
        }
        running.removeAll()
    }

    /// A manual sync (REST, `fabricsync sync`, the requestedAt annotation).
    @discardableResult
    public func requestSync(_ fabricID: String) -> Bool {
        scheduler.trigger(fabricID, .manual, now: elapsed)
    }

    /// A push webhook: fetch the source now.
    public func refreshSourceNow() async {
        await source.refresh()
        lastPoll = nil
    }

    public var knownFabrics: [String] { fabrics.keys.sorted() }
    public var totalReconciles: Int { reconcilesTotal }
    public var queueDepth: Int { scheduler.queueDepth }
    /// Every known fabric has had at least one attempt (readiness).
    public var firstRoundDone: Bool { loaded != nil && fabrics.values.allSatisfy { $0.lastReport != nil || $0.source == nil } }
    public func lastReport(_ fabricID: String) -> ReconcileReport? { fabrics[fabricID]?.lastReport }

    private func start(_ run: Scheduler.Run) {
        guard let request = request(for: run.fabric, trigger: run.trigger) else {
            scheduler.finished(run.fabric, succeeded: true, now: elapsed)
            return
        }
        let reconciler = self.reconciler
        nextToken += 1
        let token = nextToken
        running[run.fabric] = (token, Task {
            let report = await reconciler.reconcile(request)
            self.completed(report, token: token)
        })
    }

    private func completed(_ report: ReconcileReport, token: Int) {
        // A run abandoned when leadership was lost has been accounted for already.
        guard running[report.fabricID]?.token == token else { return }
        running[report.fabricID] = nil
        reconcilesTotal += 1
        remember(report)
        scheduler.finished(report.fabricID, succeeded: report.outcome.isSuccess, now: elapsed)
        checkDriftObservedDuringRun(report.fabricID)
        if report.deleted, fabrics[report.fabricID]?.source == nil {
            fabrics[report.fabricID] = nil
            scheduler.remove(report.fabricID)
        }
    }

    private func remember(_ report: ReconcileReport) {
        log.reconciled(report)
        guard var state = fabrics[report.fabricID] else { return }
        // After a success, exactly what that run applied (pruned members leave it, so their
        // deletion is not mistaken for drift); after a failure, what is known so far.
        if report.outcome.isSuccess { state.lastApplied = report.applied } else { state.lastApplied.merge(report.applied) { $1 } }
        if case .failed(let reason, _) = report.outcome, reason == ConditionReason.validationFailed {
            state.previouslyInvalid = true
        } else {
            state.previouslyInvalid = false
        }
        var kept = report
        kept.plan = nil  // the plan holds every desired object again; the report is kept for its summary
        kept.applied = [:]
        state.lastReport = kept
        fabrics[report.fabricID] = state
    }

    func request(for fabricID: String, trigger: Trigger) -> ReconcileRequest? {
        guard let state = fabrics[fabricID], let loaded else { return nil }
        var request: ReconcileRequest
        if let fabricSource = state.source {
            request = ReconcileRequest(source: fabricSource, revision: loaded.revision, trigger: trigger)
        } else if let live = state.removedLive, let removed = FabricSource(removedFabric: live) {
            request = ReconcileRequest(source: removed, revision: loaded.revision, trigger: trigger)
            request.removedFromSource = true
        } else {
            return nil
        }
        request.lastApplied = state.lastApplied
        request.previouslyInvalid = state.previouslyInvalid
        request.sourceUnavailable = sourceError
        request.sourceIdentity = source.identity
        request.sourceEmpty = (loaded.fabrics.isEmpty && loaded.issues.isEmpty) && !request.removedFromSource
        return request
    }
}
