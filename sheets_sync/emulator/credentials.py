"""Real service-account credentials for the emulator: a fresh RSA key, Google's JSON shape."""
from __future__ import annotations

import json
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def new_service_account(base_url: str, email: str | None = None, project: str = "sheets-sync-emulator") -> tuple[dict, bytes]:
    """Return (service-account JSON dict, public key PEM) whose token_uri is the emulator."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    email = email or f"sheets-sync-{secrets.token_hex(3)}@{project}.iam.gserviceaccount.com"
    info = {
        "type": "service_account",
        "project_id": project,
        "private_key_id": secrets.token_hex(20),
        "private_key": private_pem,
        "client_email": email,
        "client_id": str(secrets.randbelow(10**21)),
        "auth_uri": f"{base_url}/o/oauth2/auth",
        "token_uri": f"{base_url}/token",
        "auth_provider_x509_cert_url": f"{base_url}/oauth2/v1/certs",
        "client_x509_cert_url": f"{base_url}/robot/v1/metadata/x509/{email}",
        "universe_domain": "googleapis.com",
    }
    return info, public_pem


def write_credentials(path: str | Path, info: dict) -> Path:
    path = Path(path)
    path.write_text(json.dumps(info, indent=2), encoding="utf-8")
    path.chmod(0o600)
    return path
