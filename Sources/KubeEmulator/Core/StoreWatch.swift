import FabricValue

extension EmulatorStore {
    /// Opens a watch. Without a resourceVersion (or with "0") it starts with
    /// an ADDED event per existing object; with one it replays what happened
    /// after it, or fails with 410 Expired when the history no longer reaches back.
    public func watch(_ type: ResourceType, namespace: String?, options: WatchOptions = WatchOptions()) throws(APIError) -> Watcher {
        lock.lock()
        defer { lock.unlock() }
        let watcher = Watcher(resourceType: type, namespace: namespace, options: options, capacity: configuration.watcherCapacity)
        if forceExpiredWatches > 0 {
            forceExpiredWatches -= 1
            throw APIError.expired("too old resource version: \(options.resourceVersion ?? "0") (\(resourceVersion))")
        }
        let requested = options.resourceVersion ?? ""
        if requested.isEmpty || requested == "0" || options.sendInitialEvents {
            let prefix = type.namespaced ? (namespace.map { $0 + "/" } ?? "") : "/"
            let bucket = objects[type.groupResource] ?? [:]
            for key in sortedKeys[type.groupResource] ?? [] where key.hasPrefix(prefix) {
                let object = bucket[key]!
                if watcher.matches(object) { watcher.deliver(WatchEvent(type: "ADDED", object: watcher.converted(object)), bounded: false) }
            }
            if options.sendInitialEvents {
                var end = bookmark(for: type)
                end.object["metadata"]?["annotations"] = ["k8s.io/initial-events-end": "true"]
                watcher.deliver(end, bounded: false)
            }
        } else {
            guard let since = Int64(requested), since >= 0 else {
                throw APIError.badRequest("invalid resource version \"\(requested)\"")
            }
            if since < compactedRevision {
                throw APIError.expired("too old resource version: \(since) (\(compactedRevision + 1))")
            }
            for event in history where event.resourceVersion > since {
                if let translated = watcher.translate(event) { watcher.deliver(translated, bounded: false) }
            }
        }
        let id = ObjectIdentifier(watcher)
        watcher.onClose = { [weak self] in self?.forget(id) }
        watchers[id] = watcher
        return watcher
    }

    private func forget(_ id: ObjectIdentifier) {
        lock.withLock { _ = watchers.removeValue(forKey: id) }
    }

    /// A BOOKMARK for `type` at the current resourceVersion: kind, apiVersion and the version only.
    public func bookmark(for type: ResourceType) -> WatchEvent {
        let version = currentResourceVersion
        return WatchEvent(type: "BOOKMARK", object: .object(Object([
            ("kind", .string(type.kind)), ("apiVersion", .string(type.apiVersion)),
            ("metadata", .object(Object([("resourceVersion", .string(String(version)))]))),
        ])))
    }

    /// Open watches (for tests and the fault hooks).
    public var openWatchCount: Int { lock.withLock { watchers.count } }

    // MARK: Fault hooks that live in the store

    /// Closes every open watch, as an API server restart or a load balancer would.
    public func dropAllWatches() {
        let open = lock.withLock { Array(watchers.values) }
        for watcher in open { watcher.close() }
    }

    /// The next `count` watch requests fail with 410 Expired whatever their resourceVersion.
    public func expireNextWatches(_ count: Int = 1) {
        lock.withLock { forceExpiredWatches += count }
    }

    /// Forgets history up to the current version, as an etcd compaction does.
    public func compactHistory() {
        lock.withLock {
            compactedRevision = resourceVersion
            history.removeAll()
        }
    }
}
