"""``python -m tekana_devstack {up,proto}``: the commands the Taskfile runs."""

import argparse
import asyncio
import os
import sys
from pathlib import Path

from tekana_common.settings import DEFAULT_DATABASE_URL
from tekana_devstack import (
    bench_tracing,
    dashboards,
    k8s,
    pgbench_ceiling,
    proto,
    seed,
    up,
)
from tekana_devstack.bench import run as bench
from tekana_devstack.chaos import campaign as chaos
from tekana_devstack.cluster import cli as cluster
from tekana_devstack.legacy import bench as legacy_bench
from tekana_devstack.legacy import fixture as legacy_fixture
from tekana_devstack.legacy import importer as legacy_importer
from tekana_devstack.legacy import rehearsal
from tekana_devstack.paths import STATE_DIR


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tekana_devstack")
    commands = parser.add_subparsers(dest="command", required=True)
    up.add_arguments(commands.add_parser("up", help="run the whole platform in the foreground"))
    gen = commands.add_parser("proto", help="generate Python code from protos/")
    mode = gen.add_mutually_exclusive_group(required=True)
    mode.add_argument("--out", type=Path, help="write the generated packages under this directory")
    mode.add_argument(
        "--check", type=Path, help="fail if the generated packages under this directory are stale"
    )
    commands.add_parser("docs", help="regenerate docs/postman from the OpenAPI document")
    commands.add_parser("secrets", help="make the development keys and token in .tekana/")
    commands.add_parser("dashboards", help="write the Grafana dashboards")
    commands.add_parser("bench-tracing", help="measure what tracing costs when it is off")
    bench.add_arguments(
        commands.add_parser("bench", help="the platform's speed against PostgreSQL's ceiling")
    )
    chaos.add_arguments(
        commands.add_parser("chaos", help="faults under load, then the books are checked")
    )
    commands.add_parser("bench-pgbench", help="PostgreSQL's own transfer ceiling (pgbench)")
    seeding = commands.add_parser("seed", help="seed customers and funded wallets for benchmarks")
    seeding.add_argument("--database-prefix", default="tekana")
    seeding.add_argument("--customers", type=int, default=10_000)
    cluster.add_arguments(commands.add_parser("cluster", help="a local one-node Kubernetes"))
    legacy_importer.add_arguments(
        commands.add_parser("import-legacy", help="import the old system's databases")
    )
    legacy_fixture.add_arguments(
        commands.add_parser("legacy-fixture", help="make legacy-shaped databases to import")
    )
    legacy_bench.add_arguments(
        commands.add_parser("bench-import", help="time a full legacy import against COPY")
    )
    rehearsal.add_arguments(
        commands.add_parser("cutover-rehearse", help="fixture, import, acceptance, verdict")
    )
    render_k8s = commands.add_parser("k8s", help="render k8s/tekana.yaml from the Helm chart")
    render_k8s.add_argument("--helm", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.command == "up":
        return up.run(args)
    if args.command == "secrets":
        STATE_DIR.mkdir(parents=True, exist_ok=True)
        made = {
            **up.dev_keys(STATE_DIR),
            **up.internal_token(STATE_DIR),
            **up.national_id_keys(STATE_DIR),
        }
        print("\n".join(f"{name} ready" for name in made) or "configured in the environment")
        return 0
    if args.command == "seed":
        seeded = asyncio.run(
            seed.seed(
                os.environ.get("TEKANA_DATABASE_URL", DEFAULT_DATABASE_URL),
                args.database_prefix,
                customers=args.customers,
                cipher=seed.cipher_for(STATE_DIR),
            )
        )
        print(f"seeded {len(seeded.emails)} customers, {len(seeded.accounts)} wallets")
        return 0
    if args.command == "cluster":
        return cluster.run(args)
    if args.command == "import-legacy":
        return legacy_importer.run(args)
    if args.command == "bench-import":
        return legacy_bench.run(args, os.environ.get("TEKANA_DATABASE_URL", DEFAULT_DATABASE_URL))
    if args.command == "cutover-rehearse":
        return rehearsal.run(args, os.environ.get("TEKANA_DATABASE_URL", DEFAULT_DATABASE_URL))
    if args.command == "legacy-fixture":
        return legacy_fixture.run(args, os.environ.get("TEKANA_DATABASE_URL", DEFAULT_DATABASE_URL))
    if args.command == "chaos":
        return chaos.run(args)
    if args.command == "bench":
        return bench.run(args)
    if args.command == "bench-pgbench":
        return pgbench_ceiling.run()
    if args.command == "bench-tracing":
        return bench_tracing.run()
    if args.command == "dashboards":
        dashboards.write()
        return 0
    if args.command == "k8s":
        k8s.write(args.helm)
        return 0
    if args.command == "docs":
        # Here, not at the top: the gateway it imports needs generated code that ``proto``
        # may be about to write.
        from tekana_devstack import postman

        postman.write()
        return 0
    if args.out is not None:
        proto.generate(args.out)
        return 0
    return proto.check(args.check)


if __name__ == "__main__":
    sys.exit(main())
