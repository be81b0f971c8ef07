/// The text sigs.k8s.io/yaml gives a floating-point mapping key when it turns
/// the map into a JSON object: Go's `strconv.FormatFloat(key, 'g', -1, 32)`,
/// with YAML's spellings for the infinities and NaN (`1.5: x` → `"1.5"`,
/// `1e3: x` → `"1000"`, `1e7: x` → `"1e+07"`).
enum GoFloatKey {
    static func format(_ value: Double) -> String {
        if value.isNaN { return ".nan" }
        if value.isInfinite { return value < 0 ? "-.inf" : ".inf" }
        let single = Float(value)
        if single.isInfinite { return single < 0 ? "-.inf" : ".inf" }
        if single == 0 { return single.sign == .minus ? "-0" : "0" }
        // Swift prints the shortest digits that round-trip as a Float, as Go does;
        // take them apart into digits and decimal exponent, then lay them out Go's way.
        var (digits, pointPosition) = decimalDigits(of: single.magnitude.description)
        while digits.count > 1, digits.last == "0" { digits.removeLast() }
        let negative = single < 0 ? "-" : ""
        let exponent = pointPosition - 1
        if exponent < -4 || exponent >= 6 {  // Go: shortest 'g' switches to %e at these exponents
            var mantissa = String(digits.first!)
            if digits.count > 1 { mantissa += "." + String(digits.dropFirst()) }
            let sign = exponent < 0 ? "-" : "+"
            let magnitude = abs(exponent)
            return negative + mantissa + "e" + sign + (magnitude < 10 ? "0" : "") + String(magnitude)
        }
        if pointPosition <= 0 {
            return negative + "0." + String(repeating: "0", count: -pointPosition) + String(digits)
        }
        if pointPosition >= digits.count {
            return negative + String(digits) + String(repeating: "0", count: pointPosition - digits.count)
        }
        let integer = digits.prefix(pointPosition)
        let fraction = digits.dropFirst(pointPosition)
        return negative + String(integer) + "." + String(fraction)
    }

    /// Splits Swift's `"1.234e+06"` or `"1234.5"` into significant digits and
    /// the position of the decimal point relative to them.
    private static func decimalDigits(of text: String) -> ([Character], Int) {
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var digits: [Character] = []
        var point: Int?
        for c in mantissa {
            if c == "." { point = digits.count } else { digits.append(c) }
        }
        var pointPosition = (point ?? digits.count) + exponent
        while digits.count > 1, digits.first == "0" {
            digits.removeFirst()
            pointPosition -= 1
        }
        return (digits, pointPosition)
    }
}
