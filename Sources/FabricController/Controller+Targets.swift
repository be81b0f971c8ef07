import FabricSource
import FabricValue

extension Controller {
    /// A kubeconfig Secret was created, changed or deleted: the fabrics that
    /// name it run again (`target_change`), so a fixed or rotated Secret takes
    /// effect without a restart. Only names are logged, never the contents.
    func observeTargetSecret(_ change: ObservedChange) {
        let object = change.object
        guard let name = object.value(at: "metadata", "name")?.stringValue,
              let namespace = object.value(at: "metadata", "namespace")?.stringValue else { return }
        if case .modified(let old, let new) = change, old["data"] == new["data"] { return }
        let named = fabrics.compactMap { id, state -> String? in
            guard let fabric = state.source?.fabric, fabric.namespace == namespace, fabric.cluster?.kubeConfigSecretName == name else { return nil }
            return id
        }
        for id in named.sorted() {
            log.info("target cluster Secret changed", [("fabric", .string(id)), ("secret", .string(namespace + "/" + name))])
            scheduler.trigger(id, .targetChange, now: elapsed)
        }
    }
}
