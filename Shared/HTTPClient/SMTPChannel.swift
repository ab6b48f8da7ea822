import COpenSSL
import Glibc
import IASHTTP
import IASRuntime

/// The bytes of an SMTP dialogue: the socket itself, or TLS over it (libssl) once `startTLS`
/// succeeded — for STARTTLS after the server agreed, for implicit TLS right after connecting.
/// The socket is non-blocking: every wait, also inside the TLS handshake, is bounded by poll.
final class SMTPChannel {
    let fd: Int32
    let timeout: Double
    private var context: OpaquePointer?
    private var ssl: OpaquePointer?

    init(fd: Int32, timeout: Double) { self.fd = fd; self.timeout = timeout }

    deinit {
        if let ssl { SSL_free(ssl) }
        if let context { SSL_CTX_free(context) }
    }

    var isEncrypted: Bool { ssl != nil }

    /// The TLS handshake (1.2 at least), the server's certificate checked against `caFile` (or
    /// the system's authorities) and against `host` (a name, or an IP address).
    func startTLS(host: String, caFile: String?) throws {
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw SMTPError.tls(Self.lastError()) }
        self.context = context
        _ = ias_ssl_ctx_require_tls12(context)
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        let loaded = caFile.map { SSL_CTX_load_verify_locations(context, $0, nil) } ?? SSL_CTX_set_default_verify_paths(context)
        guard loaded == 1 else { throw SMTPError.tls("cannot load the certificate authorities: \(Self.lastError())") }
        guard let ssl = SSL_new(context) else { throw SMTPError.tls(Self.lastError()) }
        self.ssl = ssl
        SSL_set_fd(ssl, fd)
        var address = in6_addr()
        let isAddress = inet_pton(AF_INET, host, &address) == 1 || inet_pton(AF_INET6, host, &address) == 1
        if isAddress {
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host)
        } else {
            _ = ias_ssl_set_server_name(ssl, host)
            SSL_set1_host(ssl, host)
        }
        let deadline = MonotonicClock.now() + timeout
        while true {
            let result = SSL_connect(ssl)
            if result == 1 { return }
            try wait(after: result, deadline: deadline, step: "TLS handshake")
        }
    }

    func write(_ bytes: [UInt8], step: String) throws {
        guard let ssl else {
            guard SocketOutput.sendAll(fd, bytes, timeout: timeout) else { throw SMTPError.closed(step: step) }
            return
        }
        let deadline = MonotonicClock.now() + timeout
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
            if written > 0 { offset += Int(written); continue }
            try wait(after: written, deadline: deadline, step: step)
        }
    }

    /// Appends what arrives next (at least one byte) to `buffer`.
    func read(into buffer: inout [UInt8], deadline: Double, step: String) throws {
        var chunk = [UInt8](repeating: 0, count: 4096)
        guard let ssl else {
            while true {
                try poll(Int16(POLLIN), deadline: deadline, step: step)
                let received = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if received > 0 { buffer.append(contentsOf: chunk[..<received]); return }
                if received == 0 { throw SMTPError.closed(step: step) }
                if errno != EINTR && errno != EAGAIN { throw SMTPError.closed(step: step) }
            }
        }
        while true {
            let received = chunk.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            if received > 0 { buffer.append(contentsOf: chunk[..<Int(received)]); return }
            try wait(after: received, deadline: deadline, step: step)
        }
    }

    /// After a TLS call that did not finish: waits for the socket when TLS asks for it, else fails.
    private func wait(after result: Int32, deadline: Double, step: String) throws {
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ: try poll(Int16(POLLIN), deadline: deadline, step: step)
        case SSL_ERROR_WANT_WRITE: try poll(Int16(POLLOUT), deadline: deadline, step: step)
        case SSL_ERROR_ZERO_RETURN: throw SMTPError.closed(step: step)
        default:
            let verify = ssl.map { SSL_get_verify_result($0) } ?? Int(X509_V_OK)
            if verify != Int(X509_V_OK) {
                throw SMTPError.tls("\(step): the server's certificate: \(String(cString: X509_verify_cert_error_string(verify)))")
            }
            throw SMTPError.tls("\(step): \(Self.lastError())")
        }
    }

    private func poll(_ events: Int16, deadline: Double, step: String) throws {
        var pfd = pollfd(fd: fd, events: events, revents: 0)
        while true {
            let ready = Glibc.poll(&pfd, 1, MonotonicClock.pollTimeout(until: deadline))
            if ready > 0 { return }
            if ready == 0 { throw SMTPError.timedOut(step: step) }
            if errno != EINTR { throw SMTPError.closed(step: step) }
        }
    }

    static func lastError() -> String {
        let code = ERR_get_error()
        guard code != 0 else { return "unknown TLS error" }
        var text = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &text, text.count)
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
