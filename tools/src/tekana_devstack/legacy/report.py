"""The reconciliation report of an import: ``import-<UTC time>.json`` and ``.md``.

Anomalies are written to a scratch file as they are found and streamed into the report at
the end, so a million of them never sit in memory."""

import json
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

# What each kind means and what the import did with it (docs/cutover.md).
RULES = {
    "balance_mismatch": "balance kept; it differs from its activity log by amount_minor",
    "negative_balance": "opened at zero, the deficit booked to the legacy receivable wallet,"
    " wallet frozen for review",
    "half_done_transfer": "imported as history as it happened (the balances carry it)",
    "stuck_pending": "imported as its activity shows it: completed with both rows, else failed",
    "non_positive_amount": "imported as history",
    "self_transfer": "imported as history",
    "orphan_activity": "not imported: no wallet, or no amount or action",
    "orphan_wallet": "imported frozen, owned by no customer",
    "duplicate_email": "imported with login off (the lowest id keeps the e-mail), money kept",
    "soft_deleted": "customer imported disabled; wallet imported frozen; activity imported"
    " hidden; transaction not imported (the old system hid it)",
    "legacy_id_taken": "not imported: a movement made on Tekana already has this id",
}


def _scratch() -> IO[str]:
    return tempfile.TemporaryFile("w+", encoding="utf-8")


@dataclass
class Report:
    """What one run found and did."""

    # Closed by ``write``: a file, not a ``with``, as it lives as long as the report.
    scratch: IO[str] = field(default_factory=lambda: _scratch())
    kinds: Counter[str] = field(default_factory=Counter)
    totals: dict[str, int] = field(default_factory=dict)
    changes: dict[str, dict[str, int]] = field(default_factory=dict)
    checks: list[str] = field(default_factory=list)
    dry_run: bool = False

    def anomaly(
        self,
        kind: str,
        table: str,
        legacy_id: int | None,
        *,
        account: str | None = None,
        amount_minor: int | None = None,
    ) -> None:
        self.kinds[kind] += 1
        record = {
            "kind": kind,
            "table": table,
            "legacy_id": legacy_id,
            "account": account,
            # Sums come from PostgreSQL as numeric: whole minor units, as integers.
            "amount_minor": None if amount_minor is None else int(amount_minor),
            "rule": RULES[kind],
        }
        self.scratch.write(json.dumps(record) + "\n")

    def changed(self, what: str, **counts: int) -> None:
        self.changes.setdefault(what, {}).update(counts)

    def failed(self, check: str) -> None:
        """A reconciliation check that did not hold: the verdict is not clean."""
        self.checks.append(check)

    @property
    def verdict(self) -> str:
        if self.checks:
            return "NOT RECONCILED: " + "; ".join(self.checks)
        anomalies = sum(self.kinds.values())
        if not anomalies:
            return "clean: reconciled to the cent, no anomaly"
        return (
            f"reconciled to the cent; {anomalies:,} anomalies, each decided by its rule"
            " (accept them, or fix the legacy data and run again)"
        )

    def write(self, directory: Path, at: datetime | None = None) -> tuple[Path, Path]:
        directory.mkdir(parents=True, exist_ok=True)
        stamp = (at or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
        json_path = directory / f"import-{stamp}.json"
        md_path = directory / f"import-{stamp}.md"
        head: dict[str, Any] = {
            "dry_run": self.dry_run,
            "totals": self.totals,
            "kinds": dict(sorted(self.kinds.items())),
            "changes": self.changes,
            "verdict": self.verdict,
        }
        with json_path.open("w", encoding="utf-8") as out:
            out.write(json.dumps(head, indent=2)[:-2] + ',\n  "anomalies": [')
            self.scratch.seek(0)
            for n, line in enumerate(self.scratch):
                out.write(("\n    " if n == 0 else ",\n    ") + line.rstrip("\n"))
            out.write("\n  ]\n}\n")
        md_path.write_text(self._markdown(json_path.name), encoding="utf-8")
        self.scratch.close()
        return json_path, md_path

    def _markdown(self, json_name: str) -> str:
        lines = [
            f"# Legacy import{' (dry run)' if self.dry_run else ''}",
            "",
            f"**Verdict:** {self.verdict}",
            "",
            "## Totals",
            "",
            "| | value |",
            "|---|---|",
            *(f"| {name} | {value:,} |" for name, value in self.totals.items()),
            "",
            "## Anomalies by kind",
            "",
            "| kind | cases | rule |",
            "|---|---|---|",
            *(f"| `{k}` | {n:,} | {RULES[k]} |" for k, n in sorted(self.kinds.items())),
            "",
            f"Each case, with its legacy id, account and amount: `{json_name}`.",
            "",
            "## What this run brought over",
            "",
            *(
                f"- {what}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items())
                for what, counts in self.changes.items()
            ),
            "",
        ]
        return "\n".join(lines)
