"""schemathesis against the live platform: every operation, with a valid token, generated
valid and invalid input. No 5xx, every status and body as documented, invalid input refused."""

import asyncio
import os
import sys
from pathlib import Path

import aiohttp
import pytest

from tests.support.api import new_customer
from tests.support.platform import Platform

SEED = int(os.environ.get("TEKANA_FUZZ_SEED", "20261124"))
EXAMPLES = int(os.environ.get("TEKANA_FUZZ_EXAMPLES", "100"))
# The run is bounded by the example count; this only stops a hung run.
TIME_LIMIT_SECONDS = 600
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
    ]
)


async def test_generated_requests_get_only_documented_answers(
    http: aiohttp.ClientSession,
    platform: Platform,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    customer = await new_customer(http)
    await customer.new_wallet()
    schemathesis = Path(sys.executable).parent / "schemathesis"
    process = await asyncio.create_subprocess_exec(
        str(schemathesis),
        "run",
        f"{platform.base_url}/openapi.json",
        "--header",
        f"Authorization: Bearer {customer.token}",
        "--checks",
        CHECKS,
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        str(EXAMPLES),
        "--seed",
        str(SEED),
        "--workers",
        "2",
        "--no-color",
        "--report",
        "junit",
        "--report-dir",
        str(tmp_path),
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), TIME_LIMIT_SECONDS)
    text = output.decode(errors="replace")
    summary = text[text.rfind("SUMMARY") :]
    with capsys.disabled():
        print(f"\nschemathesis: seed {SEED}, up to {EXAMPLES} examples per operation")
        print(summary)
    assert process.returncode == 0, text
    assert "generated" in summary
