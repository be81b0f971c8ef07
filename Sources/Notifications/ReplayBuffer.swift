/// The last `capacity` stream events, for `resume` and `Last-Event-ID`.
/// Sequence numbers are consecutive, so lookup by seq is arithmetic.
public struct ReplayBuffer: Sendable {
    public let capacity: Int
    private var slots: [Envelope?]
    private var head = 0
    public private(set) var count = 0

    public init(capacity: Int) {
        precondition(capacity > 0, "a replay buffer needs room for at least one event")
        self.capacity = capacity
        self.slots = Array(repeating: nil, count: capacity)
    }

    public mutating func append(_ envelope: Envelope) {
        slots[(head + count) % capacity] = envelope
        if count < capacity { count += 1 } else { head = (head + 1) % capacity }
    }

    public var firstSeq: UInt64? { count == 0 ? nil : slots[head]?.seq }
    public var lastSeq: UInt64? { count == 0 ? nil : slots[(head + count - 1) % capacity]?.seq }

    /// The events after `seq`, oldest first, and whether any between `seq`
    /// and the oldest held one were already dropped.
    public func events(after seq: UInt64) -> (events: [Envelope], lost: Bool) {
        guard let first = firstSeq, let last = lastSeq else { return ([], false) }
        if seq >= last { return ([], false) }
        let lost = seq + 1 < first
        let start = seq < first ? 0 : Int(seq + 1 - first)
        return ((start..<count).map { slots[(head + $0) % capacity]! }, lost)
    }
}
