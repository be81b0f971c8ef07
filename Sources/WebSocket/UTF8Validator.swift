/// Validates UTF-8 incrementally, so a text message split across frames at any byte is judged
/// as soon as a byte cannot belong to valid UTF-8 ("fail fast", RFC 6455 §8.1), and an
/// unfinished character is only an error once the message ends.
///
/// Follows the well-formed byte sequences of Unicode Table 3-7: no overlong forms, no surrogates,
/// nothing above U+10FFFF.
struct UTF8Validator: Sendable, Equatable {
    private var pendingContinuations = 0
    private var nextLow: UInt8 = 0x80
    private var nextHigh: UInt8 = 0xBF

    init() {}

    /// Whether everything fed so far ends on a character boundary.
    var isAtCharacterBoundary: Bool { pendingContinuations == 0 }

    /// Feeds bytes; false as soon as they cannot be part of valid UTF-8 (the validator is then spent).
    mutating func feed(_ bytes: some Collection<UInt8>) -> Bool {
        for byte in bytes {
            if pendingContinuations > 0 {
                guard byte >= nextLow, byte <= nextHigh else { return false }
                pendingContinuations -= 1
                nextLow = 0x80
                nextHigh = 0xBF
                continue
            }
            switch byte {
            case 0x00...0x7F: continue
            case 0xC2...0xDF: expect(1, 0x80, 0xBF)
            case 0xE0: expect(2, 0xA0, 0xBF)
            case 0xE1...0xEC, 0xEE...0xEF: expect(2, 0x80, 0xBF)
            case 0xED: expect(2, 0x80, 0x9F)
            case 0xF0: expect(3, 0x90, 0xBF)
            case 0xF1...0xF3: expect(3, 0x80, 0xBF)
            case 0xF4: expect(3, 0x80, 0x8F)
            default: return false
            }
        }
        return true
    }

    /// Validates a complete byte string.
    static func isValid(_ bytes: some Collection<UInt8>) -> Bool {
        var validator = UTF8Validator()
        return validator.feed(bytes) && validator.isAtCharacterBoundary
    }

    private mutating func expect(_ count: Int, _ low: UInt8, _ high: UInt8) {
        pendingContinuations = count
        nextLow = low
        nextHigh = high
    }
}
