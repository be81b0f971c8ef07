/// The members of the open collections while a document is read: pushed one
/// by one, and moved out (not copied, so no reference counting per member)
/// into the array or object when their collection closes.
struct PendingStack<Element>: ~Copyable {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 256) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    @inline(__always)
    mutating func push(_ element: consuming Element) {
        if count == capacity { grow() }
        (base + count).initialize(to: element)
        count += 1
    }

    subscript(index: Int) -> Element {
        @inline(__always) get { base[index] }
    }

    /// Moves the elements from `start` up out as an array.
    mutating func popArray(from start: Int) -> [Element] {
        let n = count - start
        let source = base + start
        count = start
        // Measured: reserve-and-append is faster here than
        // `Array(unsafeUninitializedCapacity:)`, whose storage-type lookup costs more than the copy.
        var array: [Element] = []
        array.reserveCapacity(n)
        for i in 0..<n { array.append((source + i).move()) }
        return array
    }

    /// Drops the elements from `start` up.
    mutating func removeAll(from start: Int) {
        (base + start).deinitialize(count: count - start)
        count = start
    }

    private mutating func grow() {
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity *= 2
    }
}
