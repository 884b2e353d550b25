"""A small OpenID Connect provider for tests: metadata and signing keys served on loopback, ID tokens signed
with a real RSA key (and, for attacks, with keys the tracker must not trust)."""

from __future__ import annotations

import http.server
import json
import secrets
import threading
import time
import urllib.parse
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
        self.login_as = "review@cwcc.example"  # whom /authorize logs in

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
    """A provider on a free loopback port while the block runs: its metadata and keys, and a complete
    authorization-code flow (``/authorize`` logs in ``idp.login_as`` at once; ``/token`` answers with an ID token
    carrying the nonce the client sent), so that Streamlit's own st.login can run against it in a browser."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    idp = Provider(server.server_address[1])
    documents = idp.documents()
    codes: dict[str, dict] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def _json(self, status: int, body: dict) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps(body).encode())

        def do_GET(self) -> None:
            path, _, query = self.path.partition("?")
            if path == "/authorize":
                asked = dict(urllib.parse.parse_qsl(query))
                code = secrets.token_urlsafe(16)
                codes[code] = {"nonce": asked.get("nonce"), "email": idp.login_as}
                target = asked["redirect_uri"] + "?" + urllib.parse.urlencode({"code": code, "state": asked["state"]})
                self.send_response(302)
                self.send_header("Location", target)
                self.end_headers()
                return
            body = documents.get(path)
            self._json(200 if body is not None else 404, body or {})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
            grant = codes.pop(form.get("code", ""), None)
            if self.path != "/token" or grant is None:
                self._json(400, {"error": "invalid_grant"})
                return
            token = idp.id_token(grant["email"], nonce=grant["nonce"])
            self._json(200, {"access_token": secrets.token_hex(16), "token_type": "Bearer", "expires_in": 3600,
                             "id_token": token})  # fmt: skip

        def log_message(self, *args: object) -> None:
            pass

    server.RequestHandlerClass = Handler
    # (shutdown waits for the next poll: Python's default of half a second cost every test that used a provider)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield idp
    finally:
        server.shutdown()
        server.server_close()
