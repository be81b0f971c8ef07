import Foundation

/// Hands watch events to the controller and the target-cluster registry,
/// which exist only after the clusters whose watches produce them.
public final class ChangeRelay: @unchecked Sendable {
    private let lock = NSLock()
    private var controller: Controller?
    /// Told of deleted Fabrics and changed Secrets, so target clients follow.
    private var targets: TargetClusters?

    public init() {}

    public func attach(_ controller: Controller) { lock.withLock { self.controller = controller } }
    public func attach(_ targets: TargetClusters) { lock.withLock { self.targets = targets } }

    public func forward(_ change: ObservedChange) {
        let (controller, targets) = lock.withLock { (self.controller, self.targets) }
        targets?.observe(change)
        guard let controller else { return }
        Task { await controller.observe(change) }
    }
}
