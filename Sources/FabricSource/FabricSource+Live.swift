import FabricValue
import FabricYAML

extension FabricSource {
    /// A Fabric that is in the cluster but no longer in the source, read back
    /// from its live object (with no members), so its deletion can be finished:
    /// its inventory pruned and its finalizer removed.
    public init?(removedFabric live: Value) {
        let mark = SourceMark(file: "(cluster)", line: 1, column: 1)
        let document = YAMLDocument(file: mark.file, index: 0, value: live, start: mark, marks: MarkTable())
        guard let fabric = Fabric.decode(document).fabric, !fabric.name.isEmpty else { return nil }
        self.init(fabric: fabric, document: document, folder: "", members: [], issues: [])
    }
}
