"""What argon2id alone allows here: one hash's CPU time with the customer service's own
parameters, and so the most passwords all cores could hash per second. Registration and
login each hash one password (a new one, or the one presented), so neither can go faster;
the report says how close each comes."""

import os
import time
from typing import Any

from argon2 import PasswordHasher, Type

from tekana_customer.passwords import MEMORY_KIB, TIME_COST


def measure(*, hashes: int = 16) -> dict[str, Any]:
    hasher = PasswordHasher(
        time_cost=TIME_COST, memory_cost=MEMORY_KIB, parallelism=1, type=Type.ID
    )
    hasher.hash("warm-up")
    started = time.process_time()
    for n in range(hashes):
        hasher.hash(f"bench password {n}")
    seconds = (time.process_time() - started) / hashes
    cpus = os.cpu_count() or 1
    return {
        "what": f"argon2id, {MEMORY_KIB // 1024} MiB, {TIME_COST} passes, 1 lane",
        "cpu_ms_per_hash": round(seconds * 1e3, 2),
        "cpus": cpus,
        "hashes_per_second": round(cpus / seconds, 1),
    }
