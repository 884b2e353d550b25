"""A small OpenID Connect provider for tests: metadata and signing keys served on loopback, ID tokens signed
with a real RSA key (and, for attacks, with keys the tracker must not trust)."""

from __future__ import annotations

import http.server
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey

CLIENT_ID = "tracker-test-client"


class Provider:
    def __init__(self, port: int) -> None:
        self.issuer = f"http://127.0.0.1:{port}"
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig", "alg": "RS256"})
        self.metadata_url = f"{self.issuer}/.well-known/openid-configuration"

    def documents(self) -> dict[str, dict]:
        return {
            "/.well-known/openid-configuration": {
                "issuer": self.issuer,
                "jwks_uri": f"{self.issuer}/jwks",
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
            },
            "/jwks": KeySet([self.key]).as_dict(private=False),
        }

    def claims(self, email: str, **changes: object) -> dict:
        now = int(time.time())
        claims = {
            "iss": self.issuer, "aud": CLIENT_ID, "sub": email, "email": email, "email_verified": True,
            "iat": now, "exp": now + 3600, "nonce": secrets.token_hex(8),
        }  # fmt: skip
        claims.update(changes)
        return {k: v for k, v in claims.items() if v is not None}

    def id_token(self, email: str, **changes: object) -> str:
        """An ID token the provider really signed (``changes`` overrides claims; None drops one)."""
        return jwt.encode({"alg": "RS256", "kid": "test-key"}, self.claims(email, **changes), self.key)

    def forged_with_another_key(self, email: str) -> str:
        other = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
        return jwt.encode({"alg": "RS256", "kid": "test-key"}, self.claims(email), other)

    def forged_hmac(self, email: str) -> str:
        """The classic confusion: HS256 "signed" with the provider's public key as a shared secret."""
        public = json.dumps(self.key.as_dict(private=False)).encode()
        return jwt.encode({"alg": "HS256"}, self.claims(email), OctKey.import_key(public), algorithms=["HS256"])

    def auth_section(self, **changes: object) -> dict:
        section = {
            "redirect_uri": "http://localhost:8501/oauth2callback",
            "cookie_secret": secrets.token_hex(24),
            "client_id": CLIENT_ID,
            "client_secret": secrets.token_hex(16),
            "server_metadata_url": self.metadata_url,
            "expose_tokens": "id",
        }
        section.update(changes)
        return section


@contextmanager
def provider() -> Iterator[Provider]:
    """A provider serving its metadata and keys on a free loopback port while the block runs."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    idp = Provider(server.server_address[1])
    documents = idp.documents()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = documents.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps(body or {}).encode())

        def log_message(self, *args: object) -> None:
            pass

    server.RequestHandlerClass = Handler
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield idp
    finally:
        server.shutdown()
        server.server_close()
