import FabricDiff
import FabricSource
import FabricValue

extension Controller {
    /// Reads the source and brings the fabric set up to date: new fabrics
    /// are registered (startup run), changed ones get a `source_change` run,
    /// and fabrics whose file left a non-empty source are deleted through
    /// their finalizer. An unreadable or empty source deletes nothing.
    func refreshSource() async {
        lastPoll = .now
        let next: LoadedSource
        let recovered: Bool
        do {
            next = try await source.load()
            recovered = sourceError != nil
            if recovered { log.info("source readable again") }
            sourceError = nil
        } catch {
            let message = "\(error)"
            if sourceError != message {
                log.error("source unavailable", [("error", .string(message))])
                // Every fabric says so; each keeps what was last applied, and nothing is pruned.
                for id in fabrics.keys where fabrics[id]?.source != nil { scheduler.trigger(id, .sourceChange, now: elapsed) }
            }
            sourceError = message
            return
        }
        let first = loaded == nil
        let changedRevision = loaded?.revision != next.revision
        loaded = next
        if recovered && !changedRevision {
            for id in fabrics.keys where fabrics[id]?.source != nil { scheduler.trigger(id, .sourceChange, now: elapsed) }
        }
        guard first || changedRevision else { return }
        if !next.issues.isEmpty {
            log.warning("source has validation errors", [("count", .int(Int64(next.issues.count))), ("first", .string(next.issues[0].description))])
        }

        var seen = Set<String>()
        for fabricSource in next.fabrics {
            let id = fabricSource.fabric.id
            seen.insert(id)
            let signature = Self.signature(fabricSource)
            var state = fabrics[id] ?? FabricState()
            let isNew = fabrics[id]?.source == nil
            let changed = state.signature != signature
            state.source = fabricSource
            state.removedLive = nil
            state.signature = signature
            fabrics[id] = state
            let interval = Duration.seconds(fabricSource.fabric.sync.interval)
            scheduler.register(id, interval: interval, now: elapsed)
            if !isNew && changed { scheduler.trigger(id, .sourceChange, now: elapsed) }
        }
        if next.fabrics.isEmpty {
            // Every known fabric says so (PruneRefused) and keeps what it has.
            for id in fabrics.keys where fabrics[id]?.source != nil { scheduler.trigger(id, .sourceChange, now: elapsed) }
        }
        await forgetRemovedFabrics(keeping: seen, sourceIsEmpty: next.fabrics.isEmpty, sourceHasIssues: !next.issues.isEmpty)
    }

    /// Fabrics we applied before whose files are gone. Only when the source
    /// still holds other fabrics and read cleanly (a file that failed to parse
    /// may be the missing Fabric's), and only Fabrics this very source applied
    /// (another instance's, or a wider source's, are never touched).
    private func forgetRemovedFabrics(keeping seen: Set<String>, sourceIsEmpty: Bool, sourceHasIssues: Bool) async {
        guard !sourceHasIssues else { return }
        guard !sourceIsEmpty else {
            if fabrics.values.contains(where: { $0.source != nil }) || !fabrics.isEmpty {
                log.warning("the source holds no fabrics; nothing is deleted (an empty source never prunes)")
            }
            return
        }
        let live: [Value]
        do { live = try await home.fabrics() } catch {
            log.error("listing Fabrics failed", [("error", .string("\(error)"))])
            return
        }
        for object in live where object.value(at: "metadata", "labels", "app.kubernetes.io/managed-by")?.stringValue == "fabricsync"
            && object.value(at: "metadata", "annotations", FabricSourceAnnotation.name)?.stringValue == source.identity {
            guard let name = object.value(at: "metadata", "name")?.stringValue, let namespace = object.value(at: "metadata", "namespace")?.stringValue else { continue }
            let id = namespace + "/" + name
            guard !seen.contains(id) else { continue }
            var state = fabrics[id] ?? FabricState()
            guard state.removedLive == nil else { continue }
            state.source = nil
            state.removedLive = object
            fabrics[id] = state
            log.info("fabric left the source; deleting it", [("fabric", .string(id))])
            scheduler.register(id, interval: .zero, now: elapsed)
            scheduler.trigger(id, .sourceChange, now: elapsed)
        }
    }

    /// What a fabric's source says, reduced to a digest (the source itself is
    /// held once, in `FabricState.source`).
    static func signature(_ source: FabricSource) -> String {
        var bytes = JSONWriter.data(source.document.value)
        for member in source.members { JSONWriter.write(member.object, into: &bytes) }
        for issue in source.issues { bytes += Array(issue.description.utf8) }
        return SHA256.hexDigest(bytes)
    }
}
