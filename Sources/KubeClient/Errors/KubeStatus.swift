import Foundation
import FabricValue

/// The API server's answer to a failed request: its `Status` object
/// (reason, code, message, causes) kept as the server wrote it.
public struct KubeStatus: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Cause: Sendable, Equatable {
        public var reason: String
        public var message: String
        public var field: String

        public init(reason: String = "", message: String = "", field: String = "") {
            self.reason = reason
            self.message = message
            self.field = field
        }
    }

    /// The HTTP status code.
    public var code: Int
    /// `NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, `Expired`, `Forbidden`, … ("" when the body was no Status).
    public var reason: String
    public var message: String
    public var causes: [Cause]
    /// `details.name` / `details.kind` / `details.group` when the server said which object.
    public var name: String?
    public var kind: String?
    public var group: String?
    /// `details.retryAfterSeconds`, or the `Retry-After` header.
    public var retryAfterSeconds: Int?

    public init(code: Int, reason: String = "", message: String = "", causes: [Cause] = [], name: String? = nil,
                kind: String? = nil, group: String? = nil, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.causes = causes
        self.name = name
        self.kind = kind
        self.group = group
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// A Status object (from an error response or a watch ERROR event).
    public init?(object: Value, httpStatus: Int? = nil) {
        guard object["kind"]?.stringValue == "Status" else { return nil }
        let details = object["details"]
        self.init(code: object["code"]?.intValue.map(Int.init) ?? httpStatus ?? 0,
                  reason: object["reason"]?.stringValue ?? "",
                  message: object["message"]?.stringValue ?? "",
                  causes: (details?["causes"]?.arrayValue ?? []).map {
                      Cause(reason: $0["reason"]?.stringValue ?? "", message: $0["message"]?.stringValue ?? "", field: $0["field"]?.stringValue ?? "")
                  },
                  name: details?["name"]?.stringValue, kind: details?["kind"]?.stringValue, group: details?["group"]?.stringValue,
                  retryAfterSeconds: details?["retryAfterSeconds"]?.intValue.map(Int.init))
    }

    /// The error of a response with status ≥ 400: its Status when it has one,
    /// otherwise a Status made from the code and the body's text.
    public init(response: TransportResponse) {
        if let value = try? JSONReader.parse(response.body),  // not JSON: fall through to the body's text, deliberately
           let status = KubeStatus(object: value, httpStatus: response.status) {
            self = status
            self.code = response.status
        } else {
            let text = String(decoding: response.body.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            self.init(code: response.status, reason: Self.reason(forCode: response.status),
                      message: text.isEmpty ? "the server answered \(response.status) with no explanation" : text)
        }
        if retryAfterSeconds == nil, let header = response.headers["Retry-After"], let seconds = Int(header) {
            retryAfterSeconds = seconds
        }
    }

    /// The reason the API server uses for a bare status code.
    static func reason(forCode code: Int) -> String {
        switch code {
        case 400: return "BadRequest"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 405: return "MethodNotAllowed"
        case 409: return "Conflict"
        case 410: return "Expired"
        case 415: return "UnsupportedMediaType"
        case 422: return "Invalid"
        case 429: return "TooManyRequests"
        case 500: return "InternalError"
        case 503: return "ServiceUnavailable"
        case 504: return "Timeout"
        default: return ""
        }
    }

    public var isNotFound: Bool { code == 404 || reason == "NotFound" }
    public var isAlreadyExists: Bool { reason == "AlreadyExists" }
    public var isConflict: Bool { code == 409 && reason != "AlreadyExists" }
    /// 410 Gone / `Expired`: a watch or continue token too old; relist.
    public var isGone: Bool { code == 410 || reason == "Expired" || reason == "Gone" }
    public var isForbidden: Bool { code == 403 }
    public var isUnauthorized: Bool { code == 401 }
    public var isInvalid: Bool { code == 422 || reason == "Invalid" }

    /// `NotFound (404): switches.wiring.githedgehog.com "s1" not found`, with causes listed.
    public var description: String {
        var text = "\(reason.isEmpty ? "Error" : reason) (\(code)): \(message)"
        for cause in causes {
            text += "\n  \(cause.field.isEmpty ? "" : cause.field + ": ")\(cause.message)"
        }
        return text
    }
}
