"""A TLS server on a thread that answers one request with a body running to the close, then ends the
connection cleanly (TLS close_notify, then a FIN) or cuts it (a bare FIN, as an attacker on the path
can): the far end of the router's HTTP client over https. Blocking sockets on a thread, so the cut is a
real shutdown of the socket under the TLS layer, whatever the client's loop."""

from __future__ import annotations

import datetime
import os
import socket
import ssl
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ANSWER_HEAD = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n"  # no length: runs to the close


@dataclass(frozen=True)
class Certificate:
    """A self-signed certificate for `localhost` and its key, as PEM files."""

    certificate: Path
    key: Path


def self_signed_localhost(folder: Path) -> Certificate:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    files = Certificate(folder / "localhost.pem", folder / "localhost.key")
    files.certificate.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    files.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return files


def answer_once(files: Certificate, body: bytes, *, close_notify: bool) -> int:
    """Listen on a free port; answer the first request with `body` to the close and end as told.
    Returns the port."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(files.certificate, files.key)
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        with listener:
            raw, _ = listener.accept()
            tls = context.wrap_socket(raw, server_side=True)
            request = b""
            while b"\r\n\r\n" not in request:
                request += tls.recv(65536)
            tls.sendall(ANSWER_HEAD + body)
            if close_notify:
                tls.unwrap().close()
                return
            under = socket.socket(fileno=os.dup(tls.fileno()))  # the TCP socket beneath the TLS layer
            under.shutdown(socket.SHUT_RDWR)
            under.close()
            tls.close()

    threading.Thread(target=serve, daemon=True).start()
    return int(listener.getsockname()[1])
