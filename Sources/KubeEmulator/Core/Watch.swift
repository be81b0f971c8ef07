import Foundation
import FabricValue

/// One change in the store, as kept in the bounded history.
struct StoredEvent: Sendable {
    var type: String
    var resource: GroupResource
    var namespace: String
    var object: Value
    /// The object before the change, so a selector watch can turn a change of labels into ADDED or DELETED.
    var previous: Value?
    var resourceVersion: Int64
}

/// An event as a watch client receives it.
public struct WatchEvent: Sendable, Equatable {
    public var type: String
    public var object: Value

    public init(type: String, object: Value) {
        self.type = type
        self.object = object
    }

    /// `{"type":"ADDED","object":{…}}`, one line of the watch stream.
    public var json: Value { .object(Object([("type", .string(type)), ("object", object)])) }
}

/// One open watch: events queue here until the client takes them. The queue
/// is bounded; a client that falls that far behind is closed, as the real
/// API closes a watcher whose buffer is full, and must re-watch.
public final class Watcher: @unchecked Sendable {
    public let resourceType: ResourceType
    let namespace: String?
    let options: WatchOptions
    let capacity: Int
    private let lock = NSLock()
    private var queue: [WatchEvent] = []
    private var closed = false
    private var waiter: (id: Int, continuation: CheckedContinuation<WatchEvent?, Never>)?
    private var nextWaiterID = 0
    var onClose: (@Sendable () -> Void)?

    init(resourceType: ResourceType, namespace: String?, options: WatchOptions, capacity: Int) {
        self.resourceType = resourceType
        self.namespace = namespace
        self.options = options
        self.capacity = capacity
    }

    public var isClosed: Bool { lock.withLock { closed } }

    /// Events waiting, without waiting for more.
    public func drain() -> [WatchEvent] {
        lock.withLock {
            defer { queue.removeAll() }
            return queue
        }
    }

    /// The next event; nil when the watch is closed or `timeout` passes first.
    /// One consumer at a time: a watch has one reader, as an HTTP watch stream does.
    public func next(timeout: Duration? = nil) async -> WatchEvent? {
        await withCheckedContinuation { (continuation: CheckedContinuation<WatchEvent?, Never>) in
            lock.lock()
            if !queue.isEmpty {
                let event = queue.removeFirst()
                lock.unlock()
                continuation.resume(returning: event)
                return
            }
            if closed {
                lock.unlock()
                continuation.resume(returning: nil)
                return
            }
            nextWaiterID += 1
            let id = nextWaiterID
            waiter = (id, continuation)
            lock.unlock()
            if let timeout {
                let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
                DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds))) { [weak self] in
                    self?.expireWaiter(id)
                }
            }
        }
    }

    private func expireWaiter(_ id: Int) {
        lock.lock()
        guard let current = waiter, current.id == id else { lock.unlock(); return }
        waiter = nil
        lock.unlock()
        current.continuation.resume(returning: nil)
    }

    /// Queues an event. The bound applies to live events only: the initial state and a
    /// replay are delivered whole, however large, so a big list can still be watched.
    func deliver(_ event: WatchEvent, bounded: Bool = true) {
        lock.lock()
        if closed { lock.unlock(); return }
        if let current = waiter {
            waiter = nil
            lock.unlock()
            current.continuation.resume(returning: event)
            return
        }
        if bounded && queue.count >= capacity {
            lock.unlock()
            close()
            return
        }
        queue.append(event)
        lock.unlock()
    }

    /// Ends the watch; a waiting `next` returns nil once the queue is drained.
    public func close() {
        lock.lock()
        if closed { lock.unlock(); return }
        closed = true
        let pending = queue.isEmpty ? waiter : nil
        if pending != nil { waiter = nil }
        let callback = onClose
        lock.unlock()
        pending?.continuation.resume(returning: nil)
        callback?()
    }

    /// Translates a stored change into what this watcher sees, or nothing.
    func translate(_ event: StoredEvent) -> WatchEvent? {
        guard event.resource == resourceType.groupResource else { return nil }
        if let namespace, resourceType.namespaced, event.namespace != namespace { return nil }
        let now = matches(event.object)
        let before = event.previous.map(matches) ?? false
        let object = converted(event.object)
        switch event.type {
        case "MODIFIED":
            if now && before { return WatchEvent(type: "MODIFIED", object: object) }
            if now { return WatchEvent(type: "ADDED", object: object) }
            if before { return WatchEvent(type: "DELETED", object: object) }
            return nil
        default:
            return now ? WatchEvent(type: event.type, object: object) : nil
        }
    }

    func matches(_ object: Value) -> Bool {
        options.labelSelector.matches(labels(of: object)) && options.fieldSelector.matches(object)
    }

    func converted(_ object: Value) -> Value {
        var copy = object
        copy["apiVersion"] = .string(resourceType.apiVersion)
        return copy
    }
}

func labels(of object: Value) -> [String: String] {
    var result: [String: String] = [:]
    for (key, value) in object.value(at: "metadata", "labels")?.objectValue ?? Object() {
        if let text = value.stringValue { result[key] = text }
    }
    return result
}
