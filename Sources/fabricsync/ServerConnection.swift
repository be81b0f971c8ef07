import ArgumentParsing
import FabricValue
import Foundation
@preconcurrency import FoundationNetworking

/// Where `status` and `events` find a running `fabricsync run`: `--server URL` and `--token-file F`.
struct ServerConnection: Sendable {
    static let options: [OptionSpec] = [
        .value("server", "URL", help: "The notification server of a running 'fabricsync run'.", default: "http://127.0.0.1:8080"),
        .value("token-file", "FILE", help: "File holding the server's bearer token."),
    ]

    var host: String
    var port: Int
    var token: String?

    init(_ arguments: ParsedArguments) throws {
        let text = arguments.string("server") ?? "http://127.0.0.1:8080"
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "ws"].contains(scheme), let host = url.host else {
            throw UsageError("--server: expected http://HOST:PORT, got '\(text)' (https is left to a proxy)")
        }
        self.host = host
        self.port = url.port ?? 80
        if let file = arguments.string("token-file") {
            do {
                token = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            } catch {
                throw UsageError("--token-file: cannot read \(file): \(error.localizedDescription)")
            }
        }
    }

    var authorization: [(name: String, value: String)] { token.map { [("Authorization", "Bearer \($0)")] } ?? [] }

    struct RequestError: Error, CustomStringConvertible {
        var description: String
    }

    /// GETs `path` and parses the JSON answer; a non-2xx status is an error carrying the server's message.
    func getJSON(_ path: String) async throws -> Value {
        var request = URLRequest(url: URL(string: "http://\(host):\(port)\(path)")!, timeoutInterval: 15)
        for header in authorization { request.setValue(header.value, forHTTPHeaderField: header.name) }
        let (data, status): (Data, Int) = try await withCheckedThrowingContinuation { continuation in
            URLSession.shared.dataTask(with: request) { data, response, error in
                if let error {
                    continuation.resume(throwing: RequestError(description: "cannot reach \(host):\(port): \(error.localizedDescription)"))
                } else {
                    continuation.resume(returning: (data ?? Data(), (response as? HTTPURLResponse)?.statusCode ?? 0))
                }
            }.resume()
        }
        let value: Value
        do { value = try JSONReader.parse(Array(data)) } catch {
            throw RequestError(description: "GET \(path): HTTP \(status), not JSON: \(error)")
        }
        guard (200..<300).contains(status) else {
            throw RequestError(description: "GET \(path): HTTP \(status): \(value["error"]?["message"]?.stringValue ?? "")")
        }
        return value
    }
}
