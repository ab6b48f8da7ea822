"""The suite's HTTP API as the Python tools use it (the demo, the fault suite's load, the
browser tests' set-up): the services' ports, tokens of ias-token, one request, and waiting
for what arrives through events. Only the standard library."""
import http.client
import json
import os
import subprocess
import time

SERVICES = ("intake", "assessment", "plan", "costs", "coordination")


def ports(base):
    """The services' ports from intake's; the others follow in the order of SERVICES."""
    return {name: base + i for i, name in enumerate(SERVICES)}


class APIError(RuntimeError):
    """An answer other than the one expected."""


def token(org, roles="caseworker", sub="suite-tool", ttl=None, token_bin=None):
    """A bearer token of ias-token (IAS_TOKEN_BIN) for `org` with `roles` (comma-separated)."""
    command = [token_bin or os.environ["IAS_TOKEN_BIN"], "--org", org, "--role", roles, "--sub", sub]
    if ttl:
        command += ["--ttl", str(ttl)]
    return subprocess.check_output(command, text=True).strip()


def request(port, method, path, body=None, token=None, headers=None, raw=None, timeout=10):
    """One request on its own connection: (status, content, response). `body` is sent as JSON,
    `raw` as it is; content is text when the answer is JSON (or empty), bytes otherwise."""
    sent = dict(headers or {})
    if token:
        sent["Authorization"] = f"Bearer {token}"
    data = raw
    if body is not None:
        data = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        content = response.read()
        if not content or "json" in (response.getheader("Content-Type") or ""):
            content = content.decode()
        return response.status, content, response
    finally:
        connection.close()


def call(port, method, path, body=None, token=None, expect=(200, 201), what=None):
    """A JSON request: (status, the answer parsed); APIError unless the status is in `expect`."""
    status, content, _ = request(port, method, path, body=body, token=token)
    if expect and status not in expect:
        raise APIError(f"{method} {what or port}{path}: {status} {str(content)[:300]}")
    return status, (json.loads(content) if content else {})


def eventually(fn, what, seconds, pause=0.2, retry_on=(APIError,), failure=AssertionError):
    """The first true value of `fn`, tried until `seconds` have passed; `retry_on` counts as not
    yet. Raises `failure` naming `what` (and the last error) when the time is up."""
    deadline = time.time() + seconds
    last = None
    while time.time() < deadline:
        try:
            value = fn()
            if value:
                return value
        except retry_on as error:
            last = error
        time.sleep(pause)
    raise failure(f"timed out after {seconds:.0f} s waiting for {what}" + (f" (last: {last})" if last else ""))
