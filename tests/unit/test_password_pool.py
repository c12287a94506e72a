"""The argon2id pool: sized from memory, not cores; below the service's CPU priority; and
shedding logins past its queue instead of queueing without end."""

import asyncio
import os
import threading
from pathlib import Path

from tekana_common.errors import Unavailable
from tekana_customer.passwords import (
    MEMORY_KIB,
    WORKERS_MAX,
    Argon2Hasher,
    cpu_limit,
    memory_limit_bytes,
    workers_for,
)

HASH_BYTES = MEMORY_KIB * 1024


def test_workers_are_what_memory_holds_and_the_cpu_limit_uses() -> None:
    assert workers_for(512 * 2**20, 0.25, cpus=64) == 128 * 2**20 // HASH_BYTES == 6
    assert workers_for(2 * 2**30, 0.25, cpus=64) == 26
    assert workers_for(2 * 2**30, 0.25, cpus=2) == 2
    assert workers_for(10 * 2**20, 0.25, cpus=8) == 1  # never none
    assert workers_for(640 * 2**30, 0.5, cpus=512) == WORKERS_MAX


def test_the_cpu_limit_is_the_cgroups_quota(tmp_path: Path) -> None:
    v2 = tmp_path / "cpu.max"
    v1_dir = tmp_path / "v1"
    v1_dir.mkdir()
    v1 = v1_dir / "cpu.cfs_quota_us"
    allowed = len(os.sched_getaffinity(0))
    v2.write_text("50000 100000\n")  # half a CPU
    assert cpu_limit((v2, v1)) == 1
    v2.write_text("max 100000\n")
    assert cpu_limit((v2, v1)) == allowed
    v2.unlink()
    v1.write_text("-1\n")
    (v1_dir / "cpu.cfs_period_us").write_text("100000\n")
    assert cpu_limit((v2, v1)) == allowed
    v1.write_text("100000\n")
    assert cpu_limit((v2, v1)) == 1


def test_the_memory_limit_is_the_cgroups_when_it_has_one(tmp_path: Path) -> None:
    v2, v1 = tmp_path / "memory.max", tmp_path / "memory.limit_in_bytes"
    v2.write_text("536870912\n")
    assert memory_limit_bytes((v2, v1)) == 536_870_912
    v2.write_text("max\n")
    v1.write_text(str(2**63 - 4096))  # v1's "unlimited"
    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert memory_limit_bytes((v2, v1)) == physical
    assert memory_limit_bytes((tmp_path / "absent",)) == physical


async def test_hashing_threads_run_only_when_nothing_else_wants_the_cpu() -> None:
    hasher = Argon2Hasher(workers=2, memory_kib=64, time_cost=1, priority="idle")
    try:
        await asyncio.gather(*(hasher.hash(f"password {n}") for n in range(4)))
        workers = list(hasher._pool._threads)
        assert workers
        for thread in workers:
            assert thread.native_id is not None
            assert os.sched_getscheduler(thread.native_id) == os.SCHED_IDLE
        assert os.sched_getscheduler(threading.get_native_id()) == os.SCHED_OTHER
    finally:
        hasher.close()


async def test_hashing_threads_can_run_some_nice_steps_lower() -> None:
    hasher = Argon2Hasher(workers=2, memory_kib=64, time_cost=1, priority=7)
    try:
        await asyncio.gather(*(hasher.hash(f"password {n}") for n in range(4)))
        # This pool's threads (other hashers in the process have their own).
        workers = list(hasher._pool._threads)
        assert workers
        base = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        for thread in workers:
            assert thread.native_id is not None
            assert os.getpriority(os.PRIO_PROCESS, thread.native_id) == min(19, base + 7)
    finally:
        hasher.close()


async def test_hashes_past_the_queue_are_refused_as_unavailable() -> None:
    hasher = Argon2Hasher(workers=1, memory_kib=8 * 1024, time_cost=3, queue_max=2)
    try:
        outcomes = await asyncio.gather(
            *(hasher.hash(f"password {n}") for n in range(5)), return_exceptions=True
        )
    finally:
        hasher.close()
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(refused) == 3
    assert all(isinstance(o, Unavailable) and o.code == "login_busy" for o in refused)
    assert all(isinstance(o, str) and o.startswith("$argon2id$") for o in outcomes[:2])
