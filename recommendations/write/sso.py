"""Single sign-on: trust an identity only when the identity provider's own signature says so.

Streamlit's ``st.login`` keeps the person it logged in as a cookie signed with ``[auth] cookie_secret``. Anyone who
knows that secret (an example value left in place, a leaked file) can write such a cookie for any email, so the
tracker never takes ``st.user`` at its word. It asks Streamlit to expose the provider's ID token
(``expose_tokens = "id"``) and checks it here: signed by a key the provider publishes (asymmetric algorithms
only), issued by that provider for this tracker's client id, unexpired and issued within the last few minutes.
Only then does ``auth.login_single_sign_on`` open a session, and each token opens at most one.
"""

from __future__ import annotations

import hashlib
import json
import time
import urllib.request
from collections.abc import Callable
from typing import Any, cast

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, KeySetSerialization

from recommendations.settings import SingleSignOn

#: A token must have been issued this recently: the log-in it proves has just happened on this server.
MAX_AGE_SECONDS = 600
#: Asymmetric signatures only: with HS256 the provider's *public* key could be used as the shared secret.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")

Fetch = Callable[[str], dict[str, Any]]


class NotVerified(Exception):
    """The identity could not be verified; the message is safe to show."""


def fetch_json(url: str, timeout: float = 10.0) -> dict[str, Any]:
    """A small JSON document over http(s) (the provider's metadata and keys)."""
    if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise NotVerified("The identity provider's address is not https.")
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (scheme checked above)
        data = response.read(1_000_001)
    if len(data) > 1_000_000:
        raise NotVerified("The identity provider sent a document that is too large.")
    document: dict[str, Any] = json.loads(data)
    return document


_KEYS: dict[str, tuple[float, dict[str, Any], KeySet]] = {}


def _provider(config: SingleSignOn, fetch: Fetch) -> tuple[dict[str, Any], KeySet]:
    """The provider's metadata and signing keys, kept for an hour."""
    cached = _KEYS.get(config.server_metadata_url)
    if cached and time.monotonic() - cached[0] < 3600:
        return cached[1], cached[2]
    try:
        metadata = fetch(config.server_metadata_url)
        # a JWKS document as the provider sent it; import_key_set checks its shape
        keys = KeySet.import_key_set(cast(KeySetSerialization, fetch(metadata["jwks_uri"])))
    except (OSError, ValueError, KeyError, JoseError) as exc:
        raise NotVerified(f"The identity provider's keys could not be read ({type(exc).__name__}).") from None
    _KEYS[config.server_metadata_url] = (time.monotonic(), metadata, keys)
    return metadata, keys


def token_id(id_token: str) -> str:
    """What the tracker remembers of a used token: its hash."""
    return hashlib.sha256(id_token.encode()).hexdigest()


def verify(
    id_token: object, config: SingleSignOn, *, fetch: Fetch = fetch_json, now: float | None = None
) -> dict[str, Any]:
    """The ID token's claims when the provider signed it for this tracker just now; NotVerified otherwise."""
    if not isinstance(id_token, str) or id_token.count(".") != 2:
        raise NotVerified("The log-in did not come from the identity provider. Log in with single sign-on again.")
    metadata, keys = _provider(config, fetch)
    expected_issuer = metadata.get("issuer")
    if not isinstance(expected_issuer, str) or not expected_issuer:  # OpenID Connect requires it: without it, no check
        raise NotVerified("The identity provider's metadata names no issuer; single sign-on cannot be checked.")
    try:
        token = jwt.decode(id_token, keys, algorithms=list(ALGORITHMS))
    except (JoseError, ValueError) as exc:
        _KEYS.pop(config.server_metadata_url, None)  # keys may have been rotated: read them again next time
        raise NotVerified(f"The identity provider's signature does not check out ({type(exc).__name__}).") from None
    now = time.time() if now is None else now
    claims = token.claims
    issuer: jwt.ClaimsOption = {"essential": True, "value": expected_issuer}
    registry = jwt.JWTClaimsRegistry(
        now=int(now),
        leeway=60,
        iss=issuer,
        aud={"essential": True, "value": config.client_id},
        exp={"essential": True},
        iat={"essential": True},
    )
    try:
        registry.validate(claims)
    except JoseError as exc:
        raise NotVerified(f"The identity token is not for this tracker or has expired ({exc.error}).") from None
    if now - float(claims["iat"]) > MAX_AGE_SECONDS:
        raise NotVerified("This single sign-on is too old. Log in with single sign-on again.")
    return dict(claims)
