"""The benchmark's report as markdown: the same figures as its JSON, as tables."""

from typing import Any


def render(report: dict[str, Any]) -> str:
    processes = sorted({p for s in report["scenarios"] for p in s["cpu_ms_per_request"]})
    lines = [
        f"# Benchmark {report['started_at']}",
        "",
        f"Commit {report['machine'].get('git_commit')}, "
        f"{report['machine']['cpus']} CPUs ({report['machine']['cpu_model']}), "
        f"concurrency {report['settings']['concurrency']}, "
        f"{report['settings']['seconds']} s per run, median of {report['settings']['runs']} "
        f"interleaved runs, {report['settings']['customers']:,} customers seeded.",
        "",
        "pgbench ceiling (one function call per transfer, "
        f"{report.get('pgbench_clients', report['settings']['concurrency'])} clients): "
        + ", ".join(f"{k} {v:,.0f} tps" for k, v in report["pgbench"].items()),
        "",
        "| scenario | req/s | p50 ms | p99 ms | errors | "
        + " | ".join(f"CPU ms/req {p}" for p in processes)
        + " | ratio to pgbench |",
        "|---|---:|---:|---:|---:|" + "---:|" * len(processes) + "---:|",
    ]
    for s in report["scenarios"]:
        cpu = " | ".join(f"{s['cpu_ms_per_request'].get(p, 0):.3f}" for p in processes)
        ratio = f"{s['ratio_to_pgbench']:.1%}" if s["ratio_to_pgbench"] is not None else "–"
        lines.append(
            f"| {s['scenario']} | {s['rps']:,.0f} | {s['p50_ms']:.1f} | {s['p99_ms']:.1f} | "
            f"{s['errors']} | {cpu} | {ratio} |"
        )
    lines += ["", "| target | wanted | measured | met |", "|---|---|---|---|"]
    for t in report["targets"]:
        lines.append(
            f"| {t['what']} | {t['wanted']} | {t['measured']} | {'yes' if t['met'] else 'NO'} |"
        )
    if report.get("memory"):
        memory = report["memory"]
        lines += [
            "",
            f"Memory over a {memory['seconds']:.0f} s mixed run (RSS MiB, first sample after "
            "warm-up → last, growth):",
            "",
            "| process | first | last | max | growth |",
            "|---|---:|---:|---:|---:|",
        ]
        for name, m in memory["processes"].items():
            lines.append(
                f"| {name} | {m['first_mib']:.1f} | {m['last_mib']:.1f} | {m['max_mib']:.1f} | "
                f"{m['growth_percent']:+.1f} % |"
            )
    if report.get("tracing_overhead"):
        t = report["tracing_overhead"]
        lines += [
            "",
            f"Tracing off costs {t['hook_cpu_us_per_request']:.0f} µs of CPU per read request, "
            f"{t['overhead_percent']:.2f} % of the {t['request_cpu_ms']:.2f} ms all processes "
            "spend on one `GET /customer/:id`.",
        ]
    if report.get("argon2id"):
        a = report["argon2id"]
        shares = "; ".join(
            f"{e['scenario']} reaches {e['rps'] / a['hashes_per_second']:.0%} of that"
            for e in report["scenarios"]
            if e["scenario"] in ("register", "login")
        )
        lines += [
            "",
            f"Password hashing ({a['what']}, as the customer service runs it) costs "
            f"{a['cpu_ms_per_hash']:.1f} ms of CPU per hash here: {a['cpus']} cores hash at "
            f"most {a['hashes_per_second']:,.0f} passwords/s, and each registration or login "
            f"hashes one. {shares}.",
        ]
    if report.get("login_storm"):
        storm = report["login_storm"]
        lines += [
            "",
            f"Login storm: {storm['logins_in_flight']} logins always in flight, beside each of",
            "these at its own concurrency (quiet run just before, in the same run):",
            "",
            "| scenario | concurrency | quiet req/s | quiet p99 ms | storm req/s | storm p99 ms"
            " | p99 ratio | logins/s |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for e in storm["entries"]:
            lines.append(
                f"| {e['scenario']} | {e['concurrency']} | {e['quiet_rps']:,.0f} | "
                f"{e['quiet_p99_ms']:.1f} | {e['storm_rps']:,.0f} | {e['storm_p99_ms']:.1f} | "
                f"{e['p99_ratio']:.2f} | {e['logins_per_second']:,.0f} |"
            )
    if report.get("grpc_call_floor"):
        f = report["grpc_call_floor"]
        lines += [
            "",
            "A bare gRPC call (plain grpclib, trivial handler) runs at"
            f" {f['calls_per_second']:,.0f} calls/s here and costs"
            f" {f['client_cpu_us_per_call']:.0f} µs of CPU in the client and"
            f" {f['server_cpu_us_per_call']:.0f} µs in the server: the transport's own price for"
            " every hop.",
        ]
    if report.get("profiles"):
        lines += ["", "## Where the time goes (py-spy, share of each process's samples)", ""]
        for scenario, by_process in report["profiles"].items():
            lines.append(f"### {scenario}")
            if "error" in by_process:
                lines += [f"- {by_process['error']}", ""]
                continue
            for process, frames in by_process.items():
                top = "; ".join(f"{f['function']} {f['percent']:.0f} %" for f in frames[:8])
                lines.append(f"- {process}: {top}")
            lines.append("")
    return "\n".join(lines) + "\n"
