// FabricDiff — normalization and structural diff of Kubernetes objects, and the plan a reconcile follows.
// Pure: values in, values out, no I/O.
//
// Entry points other modules call:
// - `Planner.plan(desired:live:inventory:) -> Plan`: create / update (with field changes) / unchanged / prune.
// - `ObjectDiff.compare(desired:live:) -> [FieldChange]`: the field-level drift of one object.
// - `Normalizer.normalized(_:)`: an object without the fields the server owns (for `fabricsync export`).
// - `PlanPrinter.text(_:)` / `PlanPrinter.json(_:)`: what `fabricsync diff` prints.
// - `ObjectID` (with Flux's inventory id form) and `SHA256`.

import FabricValue

/// Names one Kubernetes object. `namespace` is empty for cluster-scoped objects,
/// `group` empty for the core API group.
public struct ObjectID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var group: String
    public var version: String
    public var kind: String
    public var namespace: String
    public var name: String

    public init(group: String, version: String, kind: String, namespace: String, name: String) {
        self.group = group
        self.version = version
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    /// Reads `apiVersion`, `kind`, `metadata.name` and `metadata.namespace`;
    /// `nil` when one of the first three is not a non-empty string.
    public init?(object: Value) {
        guard let apiVersion = object["apiVersion"]?.stringValue, !apiVersion.isEmpty,
            let kind = object["kind"]?.stringValue, !kind.isEmpty,
            let name = object.value(at: "metadata", "name")?.stringValue, !name.isEmpty
        else { return nil }
        let (group, version) = ObjectID.split(apiVersion: apiVersion)
        let namespace = object.value(at: "metadata", "namespace")?.stringValue ?? ""
        self.init(group: group, version: version, kind: kind, namespace: namespace, name: name)
    }

    /// Parses Flux's inventory id `<namespace>_<name>_<group>_<kind>`; the
    /// version is kept beside it in the inventory entry (`v`).
    public init?(inventoryID: String, version: String) {
        let parts = inventoryID.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 4, !parts[1].isEmpty, !parts[3].isEmpty else { return nil }
        self.init(group: String(parts[2]), version: version, kind: String(parts[3]), namespace: String(parts[0]), name: String(parts[1]))
    }

    /// `core/v1` is written `v1`; `apps/v1` splits into group and version.
    public static func split(apiVersion: String) -> (group: String, version: String) {
        guard let slash = apiVersion.firstIndex(of: "/") else { return ("", apiVersion) }
        return (String(apiVersion[..<slash]), String(apiVersion[apiVersion.index(after: slash)...]))
    }

    public var apiVersion: String { group.isEmpty ? version : group + "/" + version }

    /// Flux's inventory id: `<namespace>_<name>_<group>_<kind>`. It leaves the
    /// version out, so the same object read at another version is the same object.
    public var inventoryID: String { namespace + "_" + name + "_" + group + "_" + kind }

    /// `default/leaf-01`, or `leaf-01` for cluster-scoped objects.
    public var qualifiedName: String { namespace.isEmpty ? name : namespace + "/" + name }

    /// `wiring.githedgehog.com/v1beta1 Switch default/leaf-01`
    public var description: String { apiVersion + " " + kind + " " + qualifiedName }

    public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool {
        (lhs.namespace, lhs.name, lhs.group, lhs.kind, lhs.version) < (rhs.namespace, rhs.name, rhs.group, rhs.kind, rhs.version)
    }
}
