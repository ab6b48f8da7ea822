"""A real SMTP server for the tests (aiosmtpd), not the platform's own code.

    python smtp_server.py --port 2625 --dir DIR [--security none|starttls|tls] [--user U --password P]

Every accepted mail goes into the Maildir DIR/mail. With starttls or tls it first writes a
self-signed certificate for localhost and 127.0.0.1 (DIR/cert.pem, DIR/key.pem) and serves TLS
with it: starttls requires STARTTLS before MAIL, tls speaks TLS from the first byte. With a user,
AUTH (PLAIN, LOGIN) is required, and only over TLS. Runs until SIGTERM.
"""
import argparse
import datetime
import ipaddress
import os
import signal
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def certificate(directory):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    with open(cert_path + ".tmp", "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path + ".tmp", key_path)
    return context, cert_path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--security", choices=["none", "starttls", "tls"], default="none")
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()

    options = {}
    cert_path = None
    if args.security != "none":
        context, cert_path = certificate(args.dir)
        if args.security == "starttls":
            options.update(tls_context=context, require_starttls=True)
        else:
            options.update(ssl_context=context)
    if args.user:
        def authenticate(server, session, envelope, mechanism, data):
            ok = data.login == args.user.encode() and data.password == args.password.encode()
            # An explicit message: without one aiosmtpd 1.4.6 left a failed AUTH unanswered here.
            return AuthResult(success=True) if ok else AuthResult(success=False, handled=False, message="535 5.7.8 Authentication credentials invalid")
        # With implicit TLS aiosmtpd does not see the TLS (its session has no STARTTLS): the
        # connection is encrypted from the first byte, so it need not look.
        options.update(authenticator=authenticate, auth_required=True, auth_require_tls=args.security == "starttls")

    controller = Controller(Mailbox(os.path.join(args.dir, "mail")), hostname="127.0.0.1", port=args.port, **options)
    controller.start()
    if cert_path:
        # The certificate appears under its name only once the server listens: the test waits for it.
        os.rename(cert_path + ".tmp", cert_path)
    with open(os.path.join(args.dir, "ready"), "w") as f:
        f.write("ready\n")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
