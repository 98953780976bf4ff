"""The floor of a durable commit on this machine's PostgreSQL (issue 17, point 1).

No HTTP, no Rust: `pgbench` (PostgreSQL's own load client, in C) inserts answers of about
1 KB into the `responses` table with its indexes as the migrations create them, in a
scratch database, with the server's settings as they are (`synchronous_commit`, `fsync`).
Two shapes, each for 8 and 64 answers waiting at once:

- one connection committing batches of N answers, as the server's writer does;
- N connections each committing one answer per transaction (PostgreSQL's own group
  commit).

With 8 clients a batch holds at most 8 answers, so these lines bound what the server can
reach at concurrency 8, whatever else it does.

Usage: python3 postgres_commit_floor.py URL [seconds per shape=5]
(URL: postgres://user@host:port/db, the database to create the scratch one from.)
"""

import os
import subprocess
import sys
import tempfile
import urllib.parse

SCHEMA = """
CREATE TABLE responses ("id" varchar(36) NOT NULL PRIMARY KEY,
  "campaign_id" varchar(36) NOT NULL, "questionnaire_version_id" varchar(36) NOT NULL,
  "commune_code" varchar(5) NOT NULL, "channel" varchar(16) NOT NULL,
  "answers" text NOT NULL, "submitted_on" date NOT NULL,
  "idempotency_key_hash" varchar(64) NULL, "seq" integer NOT NULL DEFAULT 0);
CREATE UNIQUE INDEX uq_responses_idempotency ON responses (campaign_id, idempotency_key_hash);
CREATE UNIQUE INDEX uq_responses_campaign_seq ON responses (campaign_id, seq);
CREATE INDEX idx_responses_campaign_id ON responses (campaign_id, id);
CREATE SEQUENCE seq;
"""

# One answer: a random id, a random 64-hex key, a 1 KB text, the next arrival number.
ROW = ("(gen_random_uuid()::text, 'c', 'v', '40192', 'web', repeat('x', 1000), "
       "current_date, md5(random()::text) || md5(random()::text), nextval('seq'))")


def with_database(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def psql(url: str, sql: str) -> None:
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql], check=True,
                   stdout=subprocess.DEVNULL)


def pgbench(url: str, script: str, clients: int, seconds: int) -> float:
    """Transactions per second."""
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(script)
        path = f.name
    try:
        out = subprocess.run(
            ["pgbench", "-n", "-f", path, "-c", str(clients), "-j", str(min(clients, 2)),
             "-T", str(seconds), url],
            check=True, capture_output=True, text=True).stdout
    finally:
        os.remove(path)
    for line in out.splitlines():
        if line.startswith("tps = "):
            return float(line.split()[2])
    raise RuntimeError("pgbench printed no tps:\n" + out)


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    url = sys.argv[1]
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    scratch = f"solidarites_commit_floor_{os.getpid()}"
    psql(url, f"CREATE DATABASE {scratch}")
    try:
        scratch_url = with_database(url, scratch)
        psql(scratch_url, SCHEMA)
        for waiting in (8, 64):
            batch = "BEGIN;\nINSERT INTO responses VALUES " + ", ".join([ROW] * waiting) \
                + ";\nCOMMIT;\n"
            tps = pgbench(scratch_url, batch, 1, seconds)
            print(f"{waiting:3} answers waiting, one connection, batches of {waiting:3}: "
                  f"{tps * waiting:8.0f} answers/s, {1000 / tps:6.3f} ms per commit")
            tps = pgbench(scratch_url, "INSERT INTO responses VALUES " + ROW + ";\n",
                          waiting, seconds)
            print(f"{waiting:3} answers waiting, {waiting:3} connections, one answer each: "
                  f"{tps:8.0f} answers/s")
    finally:
        psql(url, f"DROP DATABASE IF EXISTS {scratch}")


if __name__ == "__main__":
    main()
