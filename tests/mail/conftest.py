"""Mail test helpers: a real SMTP server (aiosmtpd) on 127.0.0.1 per test, settings pointing at it,
and a self-signed certificate for the STARTTLS / implicit-TLS tests."""
from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from pathlib import Path

import pytest

from voc.mail.local_smtp import HOST, LocalSmtpServer
from voc.mail.settings import MailSettings, mail_settings

SENDER = "BKNS CSKH <cskh@bkns.vn>"


@pytest.fixture
def smtp_server():
    with LocalSmtpServer() as server:
        yield server


def settings_for(server: LocalSmtpServer, scheme: str = "smtp", login: str = "") -> MailSettings:
    return mail_settings({"VOC_SMTP_URL": f"{scheme}://{login}{HOST}:{server.port}", "VOC_MAIL_FROM": SENDER})


def self_signed(folder: Path) -> tuple[ssl.SSLContext, Path]:
    """A server TLS context for 127.0.0.1 and the certificate file a client should trust."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return context, cert_path
