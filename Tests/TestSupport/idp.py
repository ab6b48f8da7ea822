"""The tests' identity provider: keys, JWKS documents and signed tokens made by libraries that
are not the platform's own (PyJWT and cryptography), so that the verifier is checked against
an independent implementation.

Reads one JSON request on standard input, writes one JSON answer on standard output:

    {"dir": "/tmp/x",                         # private keys live here as <name>.pem
     "keys": {"rsa-a": "RSA", "ec-a": "EC", "rsa-short": "RSA-1024"},   # made when missing
     "jwks": [{"path": "/tmp/x/jwks.json",     # written by rename: never seen half-written
               "keys": [{"key": "rsa-a", "members": {"kid": "a", "use": "sig"}},
                        {"raw": {"kty": "oct", "k": "..."}}]}],
     "tokens": [{"key": "rsa-a", "alg": "RS256", "header": {"kid": "a"}, "claims": {...}},
                {"raw": "rsa-a", "header": {...}, "claims": {...}},     # header exactly as given,
                                                                       # signed by the key's own algorithm
                {"raw": "ec-a", "der": true, ...},                     # ES256 signature as DER, not r||s
                {"hmac": {"publicPEMOf": "rsa-a"} | {"jwkOf": "rsa-a"} | {"text": "..."}, ...},
                {"none": true, "header": {...}, "claims": {...}}]}

    -> {"tokens": ["eyJ...", ...], "jwk": {"rsa-a": {...}}, "publicPEM": {"rsa-a": "-----BEGIN ..."}}

Run by Tests/TestSupport/IdentityProvider.swift with IAS_TEST_PYTHON, which `make test` installs
from deploy/local/test-requirements.txt.
"""
import base64
import hashlib
import hmac
import json
import os
import sys
import tempfile

import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def compact(value) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def load_or_make(directory: str, name: str, kind: str):
    path = os.path.join(directory, name + ".pem")
    if os.path.exists(path):
        with open(path, "rb") as handle:
            return serialization.load_pem_private_key(handle.read(), password=None)
    if kind.startswith("RSA"):
        bits = int(kind.split("-")[1]) if "-" in kind else 2048
        key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    elif kind == "EC":
        key = ec.generate_private_key(ec.SECP256R1())
    else:
        raise SystemExit(f"unknown key kind {kind}")
    with open(path, "wb") as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return key


def public_jwk(key) -> dict:
    public = key.public_key()
    if isinstance(public, rsa.RSAPublicKey):
        return jwt.algorithms.RSAAlgorithm.to_jwk(public, as_dict=True)
    return jwt.algorithms.ECAlgorithm.to_jwk(public, as_dict=True)


def public_pem(key) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def raw_signature(key, signing_input: bytes, der: bool) -> bytes:
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    signature = key.sign(signing_input, ec.ECDSA(hashes.SHA256()))
    if der:
        return signature
    r, s = decode_dss_signature(signature)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def token(spec: dict, keys: dict) -> str:
    header, claims = spec.get("header", {}), spec.get("claims", {})
    if "key" in spec:
        # The ordinary way: PyJWT signs (and adds "typ" and "alg" to the header).
        return jwt.encode(claims, keys[spec["key"]], algorithm=spec["alg"], headers=header or None)
    signing_input = (b64(compact(header)) + "." + b64(compact(claims))).encode()
    if "raw" in spec:
        signature = raw_signature(keys[spec["raw"]], signing_input, spec.get("der", False))
    elif "hmac" in spec:
        source = spec["hmac"]
        if "publicPEMOf" in source:
            secret = public_pem(keys[source["publicPEMOf"]])
        elif "jwkOf" in source:
            secret = json.dumps(public_jwk(keys[source["jwkOf"]])).encode()
        else:
            secret = source["text"].encode()
        signature = hmac.new(secret, signing_input, hashlib.sha256).digest()
    elif spec.get("none"):
        signature = b""
    else:
        raise SystemExit(f"a token needs key, raw, hmac or none: {spec}")
    return signing_input.decode() + "." + b64(signature)


def write_jwks(spec: dict, keys: dict) -> None:
    entries = []
    for entry in spec["keys"]:
        if "raw" in entry:
            entries.append(entry["raw"])
        else:
            jwk = public_jwk(keys[entry["key"]])
            jwk.update(entry.get("members", {}))
            for name in entry.get("remove", []):
                jwk.pop(name, None)
            entries.append(jwk)
    directory = os.path.dirname(os.path.abspath(spec["path"]))
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".jwks-")
    with os.fdopen(handle, "w") as out:
        json.dump({"keys": entries}, out, indent=1)
    os.replace(temporary, spec["path"])


def main() -> None:
    request = json.load(sys.stdin)
    directory = request["dir"]
    os.makedirs(directory, exist_ok=True)
    keys = {name: load_or_make(directory, name, kind) for name, kind in request.get("keys", {}).items()}
    for spec in request.get("jwks", []):
        write_jwks(spec, keys)
    answer = {
        "tokens": [token(spec, keys) for spec in request.get("tokens", [])],
        "jwk": {name: public_jwk(key) for name, key in keys.items()},
        "publicPEM": {name: public_pem(key).decode() for name, key in keys.items()},
    }
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
