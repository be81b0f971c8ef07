import FabricDiff
import FabricValue

/// The labels that mark a member as applied by a Fabric (see DESIGN, Ownership).
public enum OwnershipLabels {
    public static let name = "fabric.githedgehog.com/name"
    public static let namespace = "fabric.githedgehog.com/namespace"
}

extension FabricSource {
    /// The Fabric object as it is applied to the controller's own cluster:
    /// as written, with its namespace defaulted.
    public var fabricObject: Value {
        var object = document.value
        object["metadata"]?["namespace"] = .string(fabric.namespace)
        return object
    }

    /// The members as they are applied: each carries the ownership labels,
    /// and one that names no namespace gets `sync.targetNamespace` when its
    /// kind is namespaced. `isNamespaced` answers from API discovery (the
    /// controller) or from a fixed guess (offline diff).
    public func desiredMembers(isNamespaced: (ObjectID) -> Bool) -> [Value] {
        members.map { member in
            var object = member.object
            guard case .object(var metadata)? = object["metadata"] else { return object }
            if member.id.namespace.isEmpty, isNamespaced(member.id) {
                metadata["namespace"] = .string(fabric.sync.targetNamespace)
            }
            var labels = metadata["labels"]?.objectValue ?? Object()
            labels[OwnershipLabels.name] = .string(fabric.name)
            labels[OwnershipLabels.namespace] = .string(fabric.namespace)
            metadata["labels"] = .object(labels)
            object["metadata"] = .object(metadata)
            return object
        }
    }
}
