import CCurl
import Foundation

/// One request's run through libcurl, and the state its C callbacks touch.
/// Everything but `cancel()` is used on the transfer's own thread only.
final class CurlTransfer: @unchecked Sendable {
    private let request: TransportRequest
    private let options: CurlTransport.Options
    /// Set when streaming: body bytes go here instead of `body`.
    private let channel: StreamChannel?
    private let cancelLock = NSLock()
    private var cancelled = false

    private var status = 0
    private var headers = HTTPHeaders()
    private var headDelivered = false
    private var body: [UInt8] = []
    private var tooLarge = false

    init(request: TransportRequest, options: CurlTransport.Options, channel: StreamChannel?) {
        self.request = request
        self.options = options
        self.channel = channel
    }

    func cancel() {
        cancelLock.lock()
        cancelled = true
        cancelLock.unlock()
        channel?.cancel()
    }

    var isCancelled: Bool {
        cancelLock.lock()
        defer { cancelLock.unlock() }
        return cancelled || (channel?.isCancelled ?? false)
    }

    func run(pool: HandlePool) -> Result<TransportResponse, TransportError> {
        guard let handle = pool.checkOut() else {
            return .failure(TransportError(kind: .other, message: "curl_easy_init failed"))
        }
        defer { pool.checkIn(handle) }
        if let error = perform(on: handle) { return .failure(error) }
        return .success(TransportResponse(status: status, headers: headers, body: body))
    }

    // MARK: - libcurl

    private func perform(on handle: UnsafeMutableRawPointer) -> TransportError? {
        curl_easy_reset(handle)
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }

        var setupFailure: (CURLcode, String)?
        func check(_ code: CURLcode, _ what: String) {
            if code != CURLE_OK && setupFailure == nil { setupFailure = (code, what) }
        }

        check(fs_curl_setopt_str(handle, CURLOPT_URL, request.url), "URL")
        check(fs_curl_setopt_ptr(handle, CURLOPT_ERRORBUFFER, errorBuffer), "error buffer")
        check(fs_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1), "nosignal")
        check(fs_curl_setopt_long(handle, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1)), "HTTP version")
        check(fs_curl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1), "TCP keep-alive")
        check(fs_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(options.connectTimeout)), "connect timeout")
        if channel == nil, let timeout = request.timeout {
            check(fs_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(timeout)), "timeout")
        }
        if channel != nil, let idle = options.streamIdleTimeout {
            // Below 1 byte/s for the whole period: libcurl ends the transfer with CURLE_OPERATION_TIMEDOUT.
            check(fs_curl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1), "idle limit")
            check(fs_curl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, max(1, Self.milliseconds(idle) / 1000)), "idle time")
        }
        configureMethod(handle, check: check)
        configureTLS(handle, check: check)

        // "Expect:" off: no 100-continue round trip before a large body.
        for line in request.headers.map({ "\($0.name): \($0.value)" }) + ["Expect:"] {
            headerList = curl_slist_append(headerList, line)
        }
        check(fs_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList), "headers")

        let context = Unmanaged.passUnretained(self).toOpaque()
        check(fs_curl_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION, { data, size, count, context in
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
            return transfer.receiveHeader(UnsafeRawBufferPointer(start: data, count: size * count))
        }), "header callback")
        check(fs_curl_setopt_ptr(handle, CURLOPT_HEADERDATA, context), "header data")
        check(fs_curl_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, { data, size, count, context in
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
            return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
        }), "write callback")
        check(fs_curl_setopt_ptr(handle, CURLOPT_WRITEDATA, context), "write data")
        // The progress callback is how a cancelled transfer is aborted, even while idle.
        check(fs_curl_setopt_long(handle, CURLOPT_NOPROGRESS, 0), "progress")
        check(fs_curl_setopt_xferinfofunction(handle, { context, _, _, _, _ in
            Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue().isCancelled ? 1 : 0
        }), "progress callback")
        check(fs_curl_setopt_ptr(handle, CURLOPT_XFERINFODATA, context), "progress data")

        if let (code, what) = setupFailure {
            let kind: TransportError.Kind = what.hasPrefix("TLS") ? .tlsConfiguration : .invalidRequest
            return TransportError(kind: kind, code: Int(code.rawValue), message: "cannot set \(what): \(String(cString: curl_easy_strerror(code)))")
        }
        let code = curl_easy_perform(handle)
        if code == CURLE_OK { return nil }
        return error(for: code, detail: String(cString: errorBuffer))
    }

    private func configureMethod(_ handle: UnsafeMutableRawPointer, check: (CURLcode, String) -> Void) {
        let method = request.method.uppercased()
        if let body = request.body {
            check(fs_curl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)), "body size")
            // COPYPOSTFIELDS copies, so the body need not outlive this call.
            if body.isEmpty {
                check(fs_curl_setopt_str(handle, CURLOPT_COPYPOSTFIELDS, ""), "body")
            } else {
                body.withUnsafeBytes { bytes in
                    check(fs_curl_setopt_ptr(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress)), "body")
                }
            }
        } else if method == "HEAD" {
            check(fs_curl_setopt_long(handle, CURLOPT_NOBODY, 1), "HEAD")
        } else {
            check(fs_curl_setopt_long(handle, CURLOPT_HTTPGET, 1), "GET")
        }
        if method != "GET" && method != "HEAD" && !(method == "POST" && request.body != nil) {
            check(fs_curl_setopt_str(handle, CURLOPT_CUSTOMREQUEST, method), "method")
        }
    }

    private func configureTLS(_ handle: UnsafeMutableRawPointer, check: (CURLcode, String) -> Void) {
        var tls = options.tls
        if let identity = request.clientIdentity {
            tls.clientCertificatePEM = identity.certificatePEM
            tls.clientKeyPEM = identity.keyPEM
        }
        if tls.insecureSkipVerify {
            check(fs_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 0), "TLS verify peer")
            check(fs_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 0), "TLS verify host")
        } else if let ca = tls.certificateAuthorityPEM {
            // Only this cluster's CA: no system bundle, no CA folder.
            check(ca.withUnsafeBytes { fs_curl_setopt_blob(handle, CURLOPT_CAINFO_BLOB, $0.baseAddress, $0.count) }, "TLS CA bundle")
            check(fs_curl_setopt_str(handle, CURLOPT_CAPATH, nil), "TLS CA path")
        }
        if let certificate = tls.clientCertificatePEM {
            check(certificate.withUnsafeBytes { fs_curl_setopt_blob(handle, CURLOPT_SSLCERT_BLOB, $0.baseAddress, $0.count) }, "TLS client certificate")
            check(fs_curl_setopt_str(handle, CURLOPT_SSLCERTTYPE, "PEM"), "TLS client certificate type")
        }
        if let key = tls.clientKeyPEM {
            check(key.withUnsafeBytes { fs_curl_setopt_blob(handle, CURLOPT_SSLKEY_BLOB, $0.baseAddress, $0.count) }, "TLS client key")
            check(fs_curl_setopt_str(handle, CURLOPT_SSLKEYTYPE, "PEM"), "TLS client key type")
        }
    }

    // MARK: - Callbacks (on the transfer's thread)

    private func receiveHeader(_ line: UnsafeRawBufferPointer) -> Int {
        // Trim CR LF as bytes: to Swift "\r\n" is one Character, which hasSuffix("\n") does not see.
        var end = line.count
        while end > 0 && (line[end - 1] == 10 || line[end - 1] == 13) { end -= 1 }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: line[0..<end]), as: UTF8.self)
        if text.hasPrefix("HTTP/") {
            // A new header block (after a 100 Continue, say) replaces the previous one.
            let fields = text.split(separator: " ", maxSplits: 2)
            status = fields.count > 1 ? Int(fields[1]) ?? 0 : 0
            headers = HTTPHeaders()
        } else if text.isEmpty {
            if status >= 200, let channel, !headDelivered {
                headDelivered = true
                if !channel.push(.head(ResponseHead(status: status, headers: headers))) { return 0 }
            }
        } else if let colon = text.firstIndex(of: ":") {
            let name = String(text[..<colon])
            let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers.add(name, value)
        }
        return line.count
    }

    private func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        if let channel {
            if !headDelivered {
                headDelivered = true
                if !channel.push(.head(ResponseHead(status: status, headers: headers))) { return 0 }
            }
            // Returning less than given makes libcurl abort with CURLE_WRITE_ERROR.
            return channel.push(.body(Array(bytes))) ? bytes.count : 0
        }
        if body.count + bytes.count > options.maximumResponseBytes {
            tooLarge = true
            return 0
        }
        body.append(contentsOf: bytes)
        return bytes.count
    }

    // MARK: - Errors

    private func error(for code: CURLcode, detail: String) -> TransportError {
        let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        let where_ = "\(request.method) \(request.url)"
        let number = Int(code.rawValue)
        if isCancelled {
            return TransportError(kind: .cancelled, code: number, message: "\(where_): cancelled")
        }
        if tooLarge {
            return TransportError(kind: .responseTooLarge, code: number, message: "\(where_): response larger than \(options.maximumResponseBytes) bytes")
        }
        let kind: TransportError.Kind
        switch code {
        case CURLE_PEER_FAILED_VERIFICATION:
            return TransportError(kind: .tlsVerification, code: number, message: "\(where_): TLS verification of the server's certificate failed: \(message)")
        case CURLE_SSL_CONNECT_ERROR: kind = .tlsHandshake
        case CURLE_RECV_ERROR where message.contains("alert"):
            // Under TLS 1.3 the server judges our client certificate after the
            // handshake, so its refusal arrives as an alert on the first read.
            return TransportError(kind: .tlsHandshake, code: number, message: "\(where_): the server refused the TLS session: \(message)")
        case CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND: kind = .tlsConfiguration
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE:
            kind = .connection
        case CURLE_OPERATION_TIMEDOUT: kind = .timeout
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL: kind = .invalidRequest
        default: kind = .other
        }
        return TransportError(kind: kind, code: number, message: "\(where_): \(message)")
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}
