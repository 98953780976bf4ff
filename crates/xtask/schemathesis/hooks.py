"""Schemathesis hooks for `cargo xtask schemathesis` (loaded through SCHEMATHESIS_HOOKS).

- Counts every response by status class and writes the counts to the JSON file named by
  SOLIDARITES_ST_SUMMARY when the run ends, so that the task can print (and bound) the
  share of generated requests that reached a 2xx.
- When SOLIDARITES_ST_EMAIL and SOLIDARITES_ST_PASSWORD are set, signs in through
  `POST /api/v1/auth/login` and sends the session cookie and the CSRF header on every
  request (signing in again every minute, in case a generated request ended the session).
"""

import atexit
import itertools
import json
import os
from collections import Counter

import requests
import schemathesis

BASE_URL = os.environ["SOLIDARITES_URL"]
SUMMARY = os.environ.get("SOLIDARITES_ST_SUMMARY")
EMAIL = os.environ.get("SOLIDARITES_ST_EMAIL")
PASSWORD = os.environ.get("SOLIDARITES_ST_PASSWORD")

STATUS = Counter()
PER_OPERATION = {}
PER_PHASE = {}


# The server runs with --trust-proxy: each request comes from the next of 4096 addresses
# (a private range), so that per-address throttles, tested by their own
# API tests, do not answer 429 to most of a run of thousands of requests from one client.
ADDRESSES = itertools.cycle(f"10.77.{i // 256}.{i % 256}" for i in range(4096))


@schemathesis.hook
def before_call(context, case, kwargs):
    case.headers = dict(case.headers or {})
    case.headers["X-Forwarded-For"] = next(ADDRESSES)


@schemathesis.hook
def after_call(context, case, response):
    status = response.status_code
    STATUS[f"{status // 100}xx"] += 1
    STATUS[str(status)] += 1
    label = f"{case.operation.method.upper()} {case.operation.path}"
    entry = PER_OPERATION.setdefault(label, Counter())
    entry[f"{status // 100}xx"] += 1
    meta = getattr(case, "meta", None)
    phase = str(meta.phase.name.value) if meta is not None else "unknown"
    PER_PHASE.setdefault(phase, Counter())[f"{status // 100}xx"] += 1


def _write_summary():
    if SUMMARY:
        with open(SUMMARY, "w", encoding="utf-8") as out:
            json.dump(
                {
                    "status": dict(STATUS),
                    "operations": {k: dict(v) for k, v in PER_OPERATION.items()},
                    "phases": {k: dict(v) for k, v in PER_PHASE.items()},
                },
                out,
                indent=1,
                sort_keys=True,
            )


atexit.register(_write_summary)


if EMAIL and PASSWORD:

    @schemathesis.auth(refresh_interval=60)
    class StaffSession:
        """A signed-in staff session: cookie plus the X-CSRF-Token header."""

        def get(self, case, context):
            answer = requests.post(
                f"{BASE_URL}/api/v1/auth/login",
                json={"email": EMAIL, "password": PASSWORD},
                timeout=30,
            )
            answer.raise_for_status()
            return {
                "cookie": answer.cookies.get("solidarites_session"),
                "csrf": answer.json()["csrf_token"],
            }

        def set(self, case, data, context):
            case.headers = case.headers or {}
            case.headers["Cookie"] = f"solidarites_session={data['cookie']}"
            case.headers["X-CSRF-Token"] = data["csrf"]
