"""The floor of a durable group commit on this machine's disk (issue 17, point 1).

No HTTP, no threads, no Rust: Python's sqlite3 module stores answers of about 1 KB in
SQLite (WAL, `synchronous = FULL`, the `responses` table with its indexes as the
migrations create them), N answers per transaction, and prints answers/s and the time of
one commit for each N. With 8 clients a batch holds at most 8 answers, so the batch-8
line bounds what the server can reach at concurrency 8, whatever else it does.

Usage: python3 sqlite_commit_floor.py [directory=/tmp] [answers per size=6000]
"""

import hashlib
import json
import os
import sqlite3
import sys
import time
import uuid

SCHEMA = [
    'CREATE TABLE responses ("id" varchar(36) NOT NULL PRIMARY KEY, '
    '"campaign_id" varchar(36) NOT NULL, "questionnaire_version_id" varchar(36) NOT NULL, '
    '"commune_code" varchar(5) NOT NULL, "channel" varchar(16) NOT NULL, '
    '"answers" text NOT NULL, "submitted_on" date_text NOT NULL, '
    '"idempotency_key_hash" varchar(64) NULL, "seq" integer NOT NULL DEFAULT 0)',
    "CREATE UNIQUE INDEX uq_responses_idempotency ON responses (campaign_id, idempotency_key_hash)",
    "CREATE UNIQUE INDEX uq_responses_campaign_seq ON responses (campaign_id, seq)",
    "CREATE INDEX idx_responses_campaign_id ON responses (campaign_id, id)",
]


def run(directory: str, batch: int, total: int) -> None:
    path = os.path.join(directory, f"commit-floor-{batch}.sqlite")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    for statement in SCHEMA:
        db.execute(statement)
    campaign, version = str(uuid.uuid4()), str(uuid.uuid4())
    answers = json.dumps({f"q{i}": "x" * 30 for i in range(25)})
    seq = 0
    commits = total // batch
    start = time.perf_counter()
    for _ in range(commits):
        db.execute("BEGIN IMMEDIATE")
        rows = []
        for _ in range(batch):
            seq += 1
            key = hashlib.sha256(os.urandom(16)).hexdigest()
            rows.append((str(uuid.uuid4()), campaign, version, "40192", "web", answers,
                         "2026-12-07", key, seq))
        db.executemany("INSERT INTO responses VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.execute("COMMIT")
    elapsed = time.perf_counter() - start
    db.close()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    print(f"batch {batch:3}: {commits * batch / elapsed:8.0f} answers/s, "
          f"{elapsed / commits * 1000:6.3f} ms per commit")


def main() -> None:
    directory = sys.argv[1] if len(sys.argv) > 1 else "/tmp"
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 6000
    for batch in (1, 4, 8, 16, 64):
        run(directory, batch, total)


if __name__ == "__main__":
    main()
