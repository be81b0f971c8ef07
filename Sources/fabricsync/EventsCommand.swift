import ArgumentParsing
import FabricValue
import Foundation
import Notifications
import WebSocket

/// `fabricsync events --server URL`: the notification stream in the terminal,
/// one line per event. Reconnects with exponential backoff and jitter and
/// resumes from the last seq seen, so nothing is shown twice or skipped; when
/// the server no longer holds the gap it says so.
enum EventsCommand: Command {
    static let spec = CommandSpec(
        name: "events",
        abstract: "Stream notifications from a running server.",
        options: ServerConnection.options + [
            .value("fabric", "NS/NAME", help: "Only this fabric's events (default: every fabric)."),
            .value("since", "SEQ", help: "Replay the events after this seq first."),
            .value("max-events", "N", help: "Exit after printing this many stream events."),
        ]
    )

    static func run(_ arguments: ParsedArguments, _ console: Console) async throws -> ExitStatus {
        let server = try ServerConnection(arguments)
        let fabric = arguments.string("fabric") ?? "*"
        guard FabricFilter(fabric) != nil else { throw UsageError("--fabric: expected NS/NAME, got '\(fabric)'") }
        var follower = EventFollower(fabric: fabric, console: console)
        if let since = arguments.string("since") {
            guard let seq = UInt64(since) else { throw UsageError("--since: expected a seq number, got '\(since)'") }
            follower.lastSeq = seq
            follower.resumeOnConnect = true
        }
        follower.remaining = try arguments.int("max-events", range: 1...Int.max)
        var attempt = 0
        while true {
            do {
                let connection = try await WebSocketClient.connect(host: server.host, port: server.port, path: "/api/v1/ws", headers: server.authorization)
                let outcome = await follower.follow(connection)
                if case .done = outcome { return .success }
                if case .refused(let message) = outcome {
                    console.error("fabricsync events: \(message)")
                    return .failure
                }
                if follower.acknowledged { attempt = 0 }
                let closure = connection.closure
                console.error("connection closed (\(closure.map { "\($0.code)\($0.reason.isEmpty ? "" : ": " + $0.reason)" } ?? "dropped"))")
            } catch {
                console.error("cannot connect: \(error)")
            }
            let delay = Self.backoff(attempt: attempt)
            attempt += 1
            console.error(String(format: "reconnecting in %.1f s", delay))
            try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
        }
    }

    /// 0.5 s doubling up to 30 s, each wait drawn between half and all of it so clients do not return in step.
    static func backoff(attempt: Int) -> Double {
        let ceiling = min(30, 0.5 * pow(2, Double(min(attempt, 16))))
        return ceiling * Double.random(in: 0.5...1)
    }
}

/// What `events` remembers across connections.
struct EventFollower {
    enum Outcome {
        case dropped
        case done
        case refused(String)
    }

    let fabric: String
    let console: Console
    var lastSeq: UInt64 = 0
    var streamID: String?
    var resumeOnConnect = false
    var remaining: Int?
    var acknowledged = false

    mutating func follow(_ connection: WebSocketConnection) async -> Outcome {
        acknowledged = false
        for await message in connection.messages {
            guard case .text(let text) = message, let value = try? JSONReader.parse(text), let envelope = Envelope(value) else {
                // A frame that is not an envelope is the server's bug, not a reason to stop following.
                console.error("ignoring a message that is not a notification envelope")
                continue
            }
            switch envelope.type {
            case MessageType.connectionAck:
                acknowledged = true
                let serverStream = envelope.data["stream_id"]?.stringValue
                // Subscribing with `since` replays the gap and then goes live in one step, strictly in order.
                var subscribe = Object([("type", .string("subscribe_fabric")), ("fabric_id", .string(fabric))])
                if resumeOnConnect {
                    subscribe["since"] = .int(Int64(lastSeq))
                    if let streamID { subscribe["stream_id"] = .string(streamID) }
                }
                do {
                    try await connection.send(text: JSONWriter.string(.object(subscribe)))
                } catch {
                    return .dropped
                }
                // A restarted server numbers from 1 again: what it replays is new to us.
                if let streamID, streamID != serverStream { lastSeq = 0 }
                streamID = serverStream
                resumeOnConnect = true
            case MessageType.resumeResult:
                let replayed = envelope.data["replayed"]?.intValue ?? 0
                if envelope.data["lost"]?.boolValue == true {
                    let first = envelope.data["first_available_seq"]?.intValue ?? 0
                    console.error("warning: some events were lost (the server's buffer now starts at seq \(first), or the server restarted); \(replayed) replayed")
                } else {
                    console.error("resumed: \(replayed) replayed")
                }
            case MessageType.error:
                let message = envelope.data["message"]?.stringValue ?? ""
                console.error("server error \(envelope.data["code"]?.stringValue ?? ""): \(message)")
            case MessageType.pong:
                break
            case MessageType.fabricStatus:
                console.out(Self.line(envelope, seqText: "-"))
            default:
                guard envelope.seq > lastSeq else { continue }  // already shown before a reconnect
                lastSeq = envelope.seq
                console.out(Self.line(envelope, seqText: "#\(envelope.seq)"))
                if let left = remaining {
                    remaining = left - 1
                    if left - 1 <= 0 {
                        connection.close()
                        return .done
                    }
                }
            }
        }
        return .dropped
    }

    static func line(_ envelope: Envelope, seqText: String) -> String {
        var fields: [String] = []
        if let data = envelope.data.objectValue {
            for (key, value) in data where key != "status" {
                switch value {
                case .string(let text): fields.append("\(key)=\(text)")
                case .array(let items): fields.append("\(key)=[\(items.count)]")
                default: fields.append("\(key)=\(JSONWriter.string(value))")
                }
            }
        }
        return [envelope.timestamp, seqText, envelope.fabricID ?? "-", envelope.type, fields.joined(separator: " ")].joined(separator: "  ") + "\n"
    }
}
