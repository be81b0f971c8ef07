import Foundation

/// How the source proves who it is to the remote. Secrets are named by file
/// (Secret-mounted files in Kubernetes) and read again on every sync, so a
/// rotated Secret is picked up without a restart. They reach git only through
/// its environment, never its arguments.
public struct GitAuth: Sendable, Equatable {
    public enum HTTP: Sendable, Equatable {
        /// `Authorization: Bearer <token>`.
        case bearerToken(file: String)
        /// `Authorization: Basic …`; for GitHub or GitLab tokens use any user name and the token as password.
        case basic(usernameFile: String, passwordFile: String)
    }

    public struct SSH: Sendable, Equatable {
        public var keyFile: String
        public var knownHostsFile: String

        public init(keyFile: String, knownHostsFile: String) {
            self.keyFile = keyFile
            self.knownHostsFile = knownHostsFile
        }
    }

    public var http: HTTP?
    public var ssh: SSH?
    /// A PEM bundle trusted for HTTPS remotes instead of the system's.
    public var certificateAuthorityFile: String?

    public init(http: HTTP? = nil, ssh: SSH? = nil, certificateAuthorityFile: String? = nil) {
        self.http = http
        self.ssh = ssh
        self.certificateAuthorityFile = certificateAuthorityFile
    }

    public static let none = GitAuth()

    /// The environment git needs for this authentication, and the secret
    /// strings that must be cut out of anything git prints.
    func resolve(urlCredential: URLCredential? = nil) throws(GitSourceError) -> ResolvedAuth {
        var entries: [(key: String, value: String)] = []
        var secrets: [String] = []
        switch http {
        case nil:
            if let urlCredential {
                let encoded = Data("\(urlCredential.username):\(urlCredential.password)".utf8).base64EncodedString()
                secrets += [urlCredential.userInfo, urlCredential.password, encoded]
                entries.append(("http.extraHeader", "Authorization: Basic \(encoded)"))
            }
        case .bearerToken(let file):
            let token = try Self.readSecret(file, what: "token")
            secrets.append(token)
            entries.append(("http.extraHeader", "Authorization: Bearer \(token)"))
        case .basic(let usernameFile, let passwordFile):
            let username = try Self.readSecret(usernameFile, what: "username")
            let password = try Self.readSecret(passwordFile, what: "password")
            let encoded = Data("\(username):\(password)".utf8).base64EncodedString()
            secrets += [password, encoded]
            entries.append(("http.extraHeader", "Authorization: Basic \(encoded)"))
        }
        if let certificateAuthorityFile {
            guard FileManager.default.isReadableFile(atPath: certificateAuthorityFile) else {
                throw GitSourceError(.credentialsUnreadable, "cannot read the CA bundle \(certificateAuthorityFile)")
            }
            entries.append(("http.sslCAInfo", certificateAuthorityFile))
        }
        var environment: [String: String] = [:]
        if let ssh {
            for (file, what) in [(ssh.keyFile, "SSH key"), (ssh.knownHostsFile, "known_hosts file")]
            where !FileManager.default.isReadableFile(atPath: file) {
                throw GitSourceError(.credentialsUnreadable, "cannot read the \(what) \(file)")
            }
            environment["GIT_SSH_COMMAND"] = Self.sshCommand(for: ssh)
            environment["GIT_SSH_VARIANT"] = "ssh"
        }
        return ResolvedAuth(configuration: entries, environment: environment, redactor: Redactor(secrets: secrets))
    }

    /// The `GIT_SSH_COMMAND` for a key and a known_hosts file. git runs it
    /// through the shell, so every path is single-quoted; only this key is
    /// offered, only these host keys are trusted, no user ssh config is read,
    /// and ssh never asks anything.
    public static func sshCommand(for ssh: SSH) -> String {
        [
            "ssh", "-F", "/dev/null",
            "-i", shellQuoted(ssh.keyFile),
            "-o", "IdentitiesOnly=yes",
            "-o", shellQuoted("UserKnownHostsFile=\(ssh.knownHostsFile)"),
            "-o", "StrictHostKeyChecking=yes",
            "-o", "BatchMode=yes",
        ].joined(separator: " ")
    }

    /// `'…'` with each `'` written as `'\''`: the shell reads it back unchanged.
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    private static func readSecret(_ file: String, what: String) throws(GitSourceError) -> String {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw GitSourceError(.credentialsUnreadable, "cannot read the \(what) file \(file)")
        }
        // Secret files usually end with a newline the secret does not contain.
        let value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else {
            throw GitSourceError(.credentialsUnreadable, "the \(what) file \(file) is empty")
        }
        guard !value.contains(where: { $0.isNewline }) else {
            throw GitSourceError(.credentialsUnreadable, "the \(what) file \(file) holds more than one line")
        }
        return value
    }
}

/// The `user:password@` of an HTTP(S) URL, percent-decoded.
struct URLCredential: Sendable, Equatable {
    var userInfo: String
    var username: String
    var password: String

    /// The URL without its user-info, and the credential it carried (HTTP and HTTPS only: in
    /// `ssh://git@host` the user is a login name, not a secret).
    static func split(_ url: String) -> (url: String, credential: URLCredential?) {
        guard let separator = url.range(of: "://"),
              ["http", "https"].contains(url[..<separator.lowerBound].lowercased()) else { return (url, nil) }
        let rest = url[separator.upperBound...]
        let authorityEnd = rest.firstIndex { "/?#".contains($0) } ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return (url, nil) }
        let userInfo = String(rest[..<at])
        let parts = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let decode = { (text: String) in text.removingPercentEncoding ?? text }
        let credential = URLCredential(userInfo: userInfo, username: decode(parts[0]), password: parts.count > 1 ? decode(parts[1]) : "")
        return (String(url[..<separator.upperBound]) + rest[rest.index(after: at)...], credential)
    }
}

struct ResolvedAuth: Sendable {
    var configuration: [(key: String, value: String)]
    var environment: [String: String]
    var redactor: Redactor
}

/// Cuts credentials out of text that leaves this module: known secret values,
/// and the user-info part of any URL (`https://user:pass@host` → `https://***@host`).
public struct Redactor: Sendable, Equatable {
    public let secrets: [String]

    public init(secrets: [String] = []) {
        // Longest first, so a secret containing another is cut whole.
        self.secrets = secrets.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
    }

    public func redact(_ text: String) -> String {
        var result = Self.redactingURLUserInfo(text)
        for secret in secrets {
            result = result.replacingOccurrences(of: secret, with: "***")
        }
        return result
    }

    /// Replaces what stands between `://` and the last `@` of a URL's authority.
    public static func redactingURLUserInfo(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let separator = rest.range(of: "://") {
            result += rest[..<separator.upperBound]
            rest = rest[separator.upperBound...]
            let authorityEnd = rest.firstIndex { "/?# \t\r\n'\"<>".contains($0) } ?? rest.endIndex
            if let at = rest[..<authorityEnd].lastIndex(of: "@") {
                result += "***"
                rest = rest[at...]
            }
        }
        return result + rest
    }
}
