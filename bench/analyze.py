#!/usr/bin/env python3
"""Analysis for bench/run.sh: reads the pgbench per-transaction logs, the build windows and the scale results from
the work directory, prints the table, writes benchmarks.json, benchmarks.md and (if matplotlib is available)
benchmark-tps.png into the output directory."""
import argparse, glob, json, math, os, datetime
from pgbench_log import transactions
from auditlog import by_verb_resource, operator_requests, ts

ap = argparse.ArgumentParser()
for a in ["work", "out", "mode", "rows", "rate", "table-size", "startup", "idle-rss-kb", "peak-rss-kb",
          "pg-version", "cpu", "nproc", "free", "poll", "java-opts", "runtime", "command"]:
    ap.add_argument("--" + a, required=True)
ap.add_argument("--startup-runs", default="", help="the start-up time of every start, space-separated")
ap.add_argument("--before", default="", help="benchmarks.json of an earlier run, for a before/after table")
A = ap.parse_args()
W = A.work

# --- pgbench per-transaction logs: client txno latency_us|failed script epoch us [lag] ---
tx, failed = transactions(W)   # (end time, latency s), sorted; end times of failed transactions
if not tx:
    raise SystemExit("analyze: no pgbench transactions logged")
t_first = math.floor(tx[0][0])
per_sec = {}
for end, _ in tx:
    s = math.floor(end)
    per_sec[s] = per_sec.get(s, 0) + 1
t_last = max(per_sec)
series = [(s, per_sec.get(s, 0)) for s in range(t_first, t_last)]  # drop the last, possibly partial, second

events = []
with open(os.path.join(W, "events.tsv")) as fh:
    for line in fh:
        n, s, e = line.split()
        events.append((n, float(s), float(e)))

def pct(vals, q):
    if not vals:
        return None
    v = sorted(vals)
    return v[min(len(v) - 1, max(0, math.ceil(q * len(v)) - 1))]

builds = {}
first_build = min(s for _, s, _ in events)
baseline = [c for s, c in series if s + 1 <= first_build and s >= t_first + 2]
for name, s, e in events:
    secs = [c for sec, c in series if sec + 1 > s and sec < e]           # 1-s buckets overlapping the build
    lats = [lat for end, lat in tx if end >= s and end - lat <= e]       # writes in flight during the build
    builds[name] = {
        "build_s": round(e - s, 3),
        "min_tps_1s": min(secs) if secs else None,
        "avg_tps": round(sum(secs) / len(secs), 1) if secs else None,
        "p99_latency_ms": round(pct(lats, 0.99) * 1000, 1) if lats else None,
        "max_latency_ms": round(max(lats) * 1000, 1) if lats else None,
        "writes_in_window": len(lats),
        "failed_writes": sum(1 for t in failed if s <= t <= e),
        "start": s, "end": e,
    }
op, cic = builds.get("operator"), builds.get("cic")
ratios = {}
if op and cic:
    def r(a, b):
        return round(a / b, 3) if a is not None and b else None
    ratios = {k: r(op[k], cic[k]) for k in ["build_s", "min_tps_1s", "p99_latency_ms", "max_latency_ms"]}
first_overhead_s = round(op["build_s"] - cic["build_s"], 3) if op and cic else None
# the goal: medians over the alternating pairs (cic, operator, cic2, operator2, ...); the first pair alone when
# there is no other
def series_of(prefix):
    return [builds[n]["build_s"] for n in [prefix] + [f"{prefix}{k}" for k in range(2, 10)] if n in builds]
def median(v):
    v = sorted(v)
    return None if not v else (v[len(v) // 2] if len(v) % 2 else round((v[len(v) // 2 - 1] + v[len(v) // 2]) / 2, 3))
op_runs, cic_runs = series_of("operator"), series_of("cic")
op_med, cic_med = median(op_runs), median(cic_runs)
overhead_s = round(op_med - cic_med, 3) if op and cic else None
overhead_ok = bool(op and cic and (op_med <= cic_med * 1.05 or overhead_s <= 0.5))
op_status = {}
try:
    st = json.load(open(os.path.join(W, "operator-status.json"))).get("status", {})
    op_status = {"phase": st.get("phase"), "build": st.get("build"), "attempts": st.get("attempts")}
except Exception:
    pass
split = None
b = op_status.get("build") or {}
if op and b.get("startedAt") and b.get("finishedAt"):
    bs, bf = ts(b["startedAt"]), ts(b["finishedAt"])
    split = {"apply_to_ddl_sent_s": round(bs - op["start"], 3), "ddl_s": round(bf - bs, 3),
             "ddl_done_to_ready_s": round(op["end"] - bf, 3),
             "control_loop_s": round((bs - op["start"]) + (op["end"] - bf), 3)}
scale = json.load(open(os.path.join(W, "scale.json")))

# --- the operator's API requests, from the API server's audit log, per phase ---
marks = {}
if os.path.exists(os.path.join(W, "marks.tsv")):
    for line in open(os.path.join(W, "marks.tsv")):
        n, t = line.split()
        marks[n] = float(t)
api = None
audit = os.path.join(W, "audit.log")
if os.path.exists(audit):
    reqs = operator_requests(audit)
    def window(a, b):
        if a not in marks or b not in marks:
            return None
        sel = [r for r in reqs if marks[a] <= r[0] < marks[b]]
        return {"requests": len(sel), "seconds": round(marks[b] - marks[a], 1),
                "by_verb_resource": by_verb_resource(sel)}
    api = {"user_agent_match": "fabric8", "total_requests_whole_run": len(reqs),
           "startup_and_10s_idle": window("operator_start", "idle_end"),
           "one_build_apply_to_ready": window("build_apply", "build_ready"),
           "scale_apply_to_all_ready": window("scale_apply", "scale_ready"),
           "steady_state": window("steady_start", "steady_end")}
    if scale and api["scale_apply_to_all_ready"]:
        scale["api_requests_to_all_ready"] = api["scale_apply_to_all_ready"]["requests"]
        scale["api_requests_per_resource_to_ready"] = round(api["scale_apply_to_all_ready"]["requests"] / scale["resources"], 2)
    if scale and api["steady_state"]:
        st = api["steady_state"]
        scale["steady_api_requests_per_min"] = round(st["requests"] * 60 / st["seconds"], 1)

pgb_out = open(os.path.join(W, "pgbench.out")).read()
aborted = pgb_out.count("aborted")
result = {
    "mode": A.mode, "command": A.command,
    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    "machine": {"nproc": int(A.nproc), "free_g": A.free, "cpu": A.cpu, "postgres": A.pg_version},
    "setup": {"rows": int(A.rows), "table_size": A.table_size, "pgbench_rate": int(A.rate), "clients": 4, "threads": 2,
              "index": "CREATE INDEX ... ON bench (payload)  -- text, 64 chars",
              "shared_buffers": "1GB", "maintenance_work_mem": "256MB", "operator_build_poll_interval": A.poll,
              "operator_jvm_flags": A.java_opts or "none (JVM defaults)", "warm_up_build": False},
    "write_load": {"baseline_avg_tps": round(sum(baseline) / len(baseline), 1) if baseline else None,
                   "transactions": len(tx), "failed": len(failed), "clients_aborted": aborted},
    "builds": builds, "ratios_operator_over_cic": ratios,
    "overhead": {"apply_to_ready_s": op_med, "psql_cic_s": cic_med, "operator_runs_s": op_runs,
                 "psql_cic_runs_s": cic_runs, "first_extra_s": first_overhead_s,
                 "ratio": round(op_med / cic_med, 3) if op and cic else None, "extra_s": overhead_s,
                 "goal": "within 5% or 0.5 s", "met": overhead_ok},
    "operator_build_status": op_status,
    "operator_time_split": split,
    "startup": {"to_controller_started_s": float(A.startup), "runs_s": [float(x) for x in A.startup_runs.split()], "idle_rss_mib": round(int(A.idle_rss_kb) / 1024, 1),
                "peak_rss_mib_whole_run": round(int(A.peak_rss_kb) / 1024, 1)},
    "scale": scale or None,
    "api_requests": api,
    "runtime_s": int(A.runtime),
}

# --- plot ---
png = os.path.join(A.out, "benchmark-tps.png")
plot_note = None
try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(10, 4))
    xs = [s - t_first for s, _ in series]
    ax.plot(xs, [c for _, c in series], lw=1.2, color="black", label="write TPS (1 s buckets)")
    colors = {"plain": ("tab:red", "plain CREATE INDEX"), "cic": ("tab:blue", "psql CREATE INDEX CONCURRENTLY"),
              "operator": ("tab:green", "operator (apply → Ready)")}
    for name, b in builds.items():
        c, lbl = colors.get(name.rstrip("0123456789"), ("grey", name))
        lbl = lbl if name[-1].isalpha() else f"{lbl} #{name[-1]}"
        ax.axvspan(b["start"] - t_first, b["end"] - t_first, color=c, alpha=0.25,
                   label=f"{lbl}: {b['build_s']:.1f} s, min {b['min_tps_1s']} TPS")
    ax.set_xlabel("seconds since pgbench start"); ax.set_ylabel("transactions / s")
    ax.set_title(f"pgindex-operator: writes during index builds ({int(A.rows):,} rows, pgbench -R {A.rate})")
    ax.set_ylim(bottom=0); ax.legend(loc="upper right", fontsize=8, framealpha=0.9); ax.grid(alpha=0.3)
    fig.tight_layout(); fig.savefig(png, dpi=110)
    result["plot"] = os.path.basename(png)
except Exception as e:  # matplotlib missing: everything else is still written
    plot_note = f"no plot: {e}"
    result["plot"] = None; result["plot_note"] = plot_note

# --- table ---
def fmt(v, suf=""):
    return "—" if v is None else f"{v}{suf}"
rows = [("build", "build time", "min 1-s TPS", "avg TPS", "p99 latency", "max latency", "failed writes")]
label = {"plain": "plain CREATE INDEX (psql)", "cic": "CREATE INDEX CONCURRENTLY (psql)", "operator": "operator (apply → Ready)"}
for n in ["plain", "cic", "operator"]:
    b = builds.get(n)
    if b:
        rows.append((label[n], fmt(b["build_s"], " s"), fmt(b["min_tps_1s"]), fmt(b["avg_tps"]),
                     fmt(b["p99_latency_ms"], " ms"), fmt(b["max_latency_ms"], " ms"), str(b["failed_writes"])))
if ratios:
    rows.append(("ratio operator / psql CIC", fmt(ratios["build_s"]), fmt(ratios["min_tps_1s"]), "",
                 fmt(ratios["p99_latency_ms"]), fmt(ratios["max_latency_ms"]), ""))
def md_table(rows):
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    out += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(out)
text_table = md_table(rows)
o = result["overhead"]; su = result["startup"]
summary = [
    f"Overhead: apply→Ready {fmt(o['apply_to_ready_s'], ' s')} vs psql CIC {fmt(o['psql_cic_s'], ' s')} (medians of "
    f"{len(o['operator_runs_s'])} alternating pairs; operator {o['operator_runs_s']}, psql {o['psql_cic_runs_s']}; the "
    f"first, cold, pair alone: {fmt(o['first_extra_s'], ' s')} extra): ratio {fmt(o['ratio'])}, "
    f"{fmt(o['extra_s'], ' s')} extra; goal (within 5% or 0.5 s) {'met' if o['met'] else 'NOT met'}",
    f"Start-up: {su['to_controller_started_s']} s to every controller started (median of {len(su.get('runs_s') or []) or 1} "
    f"starts: {su.get('runs_s') or [su['to_controller_started_s']]}); idle RSS {su['idle_rss_mib']} MiB "
    f"(10 s after start); peak RSS over the whole run {su['peak_rss_mib_whole_run']} MiB; JVM flags: "
    f"{A.java_opts or 'none (JVM defaults: the heap may grow to a quarter of the machine)'}",
]
if split:
    summary.append(f"Operator time split (status.build vs the client clock): apply → CIC sent {split['apply_to_ddl_sent_s']} s, "
                   f"status write of the intent, CIC and ownership COMMENT {split['ddl_s']} s (psql CIC: {cic['build_s']} s), CIC done → Ready seen by "
                   f"kubectl wait {split['ddl_done_to_ready_s']} s; control loop total {split['control_loop_s']} s")
if scale:
    summary.append(f"Scale: {scale['ready']}/{scale['resources']} PostgresIndex Ready in {scale['all_ready_s']} s "
                   f"({scale['databases']} databases, {scale['tables']} tables of {scale['rows_per_table']:,} rows); "
                   f"operator peak RSS {scale['operator_peak_rss_mib']} MiB; at most {scale['pg_connections_max']} "
                   f"pgindex connections held")
    if "api_requests_to_all_ready" in scale:
        summary.append(f"Scale, API requests: {scale['api_requests_to_all_ready']:,} from apply to all Ready "
                       f"({scale['api_requests_per_resource_to_ready']} per resource); in the steady state "
                       f"{scale['steady_api_requests_per_min']} per minute for all {scale['resources']}")
    if "steady_statements_per_min_per_index" in scale:
        window_note = ("one default resync interval" if scale["steady_seconds"] >= 300
                       else "shorter than the 5 min default resync interval, so it undercounts")
        summary.append(f"Scale, steady state ({scale['steady_seconds']} s once all were Ready, {window_note}): "
                       f"{scale['steady_statements_per_min_per_index']} statements/min per index "
                       f"(pg_stat_statements), {scale['steady_xact_per_min_per_index']} transactions/min, "
                       f"{scale['steady_sessions_per_min_per_index']} new sessions/min")
else:
    summary.append("Scale: skipped (smoke mode or --scale 0)")
wl = result["write_load"]
summary.append(f"Write load: {wl['transactions']:,} transactions, {wl['failed']} failed, {wl['clients_aborted']} clients "
               f"aborted; baseline {fmt(wl['baseline_avg_tps'])} TPS before the first build")
if plot_note:
    summary.append(plot_note)
# --- goals (the targets of issue 15, at the shipped defaults), with an earlier run beside them when given ---
def goal_rows(r):
    sc = r.get("scale") or {}
    ov = r.get("overhead") or {}
    su_ = r.get("startup") or {}
    op_b = (r.get("builds") or {}).get("operator") or {}
    return [
        ("idle RSS, 10 s after start", su_.get("idle_rss_mib"), " MiB", "at most 120 MiB",
         lambda v: v is not None and v <= 120),
        ("JVM launch to every controller started (median of the starts)", su_.get("to_controller_started_s"), " s", "at most 1.5 s",
         lambda v: v is not None and v <= 1.5),
        ("500 resources over 5 databases, apply to all Ready", sc.get("all_ready_s"), " s", "at most about 65 s (a third of 200 s)",
         lambda v: v is not None and v <= 65),
        ("operator peak RSS (whole run)", su_.get("peak_rss_mib_whole_run"), " MiB", "stated", lambda v: True),
        ("API requests per resource, apply to Ready", sc.get("api_requests_per_resource_to_ready"), "",
         "at most 6", lambda v: v is not None and v <= 6),
        ("apply→Ready / psql CIC (2M rows; medians of the alternating pairs)", ov.get("ratio"), "", "at most 1.05, or 0.5 s extra",
         lambda v: bool(ov.get("met"))),
        ("extra seconds over psql CIC", ov.get("extra_s"), " s", "(same goal)", lambda v: bool(ov.get("met"))),
        ("failed writes during the operator's build", op_b.get("failed_writes"), "", "0",
         lambda v: v == 0),
        ("min 1-s TPS during the operator's build", op_b.get("min_tps_1s"), "", "no regression", lambda v: True),
        ("p99 write latency during the operator's build", op_b.get("p99_latency_ms"), " ms", "no regression",
         lambda v: True),
    ]
before = None
if A.before and os.path.exists(A.before):
    before = json.load(open(A.before))
header = ["measure"] + (["before"] if before else []) + ["now", "goal", "met"]
grows = [header]
now_rows = goal_rows(result)
before_rows = goal_rows(before) if before else None
for i, (name, v, suf, goal, ok) in enumerate(now_rows):
    row = [name]
    if before_rows:
        row.append(fmt(before_rows[i][1], suf))
    row += [fmt(v, suf), goal, "yes" if ok(v) else "NO"]
    grows.append(tuple(row))
result["goals"] = [{"measure": n, "value": v, "goal": g, "met": ok(v)} for n, v, _, g, ok in now_rows]
goals_md = "\n## Goals\n\nThe targets of issue 15, measured in this run"
if before:
    goals_md += (f"; \"before\" is `{before.get('command')}` of {before.get('date')} (JVM: "
                 f"`{before['setup'].get('operator_jvm_flags')}`, build poll interval "
                 f"{before['setup'].get('operator_build_poll_interval')})")
goals_md += ".\n\n" + md_table(grows) + "\n"
print()
print(md_table(grows))
print()
print(text_table)
print()
for s in summary:
    print(s)

os.makedirs(A.out, exist_ok=True)
# bench/constraints.sh keeps its figures in the same two files (key "constraints", a marked section): carried over
CON_BEGIN, CON_END = "<!-- constraints:begin (bench/constraints.sh) -->", "<!-- constraints:end -->"
kept_json, kept_md = None, None
try:
    kept_json = json.load(open(os.path.join(A.out, "benchmarks.json"))).get("constraints")
    old_md = open(os.path.join(A.out, "benchmarks.md")).read()
    if CON_BEGIN in old_md and CON_END in old_md:
        kept_md = old_md[old_md.index(CON_BEGIN):old_md.index(CON_END) + len(CON_END)]
except (OSError, ValueError):
    pass
if kept_json is not None:
    result["constraints"] = kept_json
with open(os.path.join(A.out, "benchmarks.json"), "w") as fh:
    json.dump(result, fh, indent=2)
m = result["machine"]
md = f"""# Benchmarks

Generated by `{A.command}` on {result['date']} ({A.mode} mode, {result['runtime_s']} s). Do not edit by hand:
rerun the runner. How it measures and how to read it: [bench/README.md](../bench/README.md). Raw numbers:
[benchmarks.json](benchmarks.json).

## Machine

- CPU: {m['cpu']}, `nproc` = {m['nproc']}
- memory (`free -g`, GiB): `{m['free_g']}`
- {m['postgres']}, `shared_buffers=1GB`, `maintenance_work_mem=256MB`; pgbench, PostgreSQL, kube-apiserver, etcd
  and the operator all share this machine

## Writes during three builds of the same index

Table `bench` with {int(A.rows):,} rows ({A.table_size}), index `ON bench (payload)` (text). One pgbench run at a
fixed {A.rate} transactions/s (`-c 4 -j 2`, 80% `UPDATE` by random id, 20% `INSERT`); the three builds run one
after another with quiet gaps (a `CHECKPOINT` at the start of each; `max_wal_size=16GB`, so no WAL-triggered
checkpoint lands in a build window), the index dropped in between. Latency is pgbench's, measured from each
transaction's scheduled start, so a blocked write counts the time it waited; it covers every write in flight
during the build window. The operator ran at its shipped defaults (`pgindex.build-poll-interval`: {A.poll}; JVM:
`{A.java_opts or 'JVM defaults'}`), started fresh: the timed build is its first (no warm-up build).

{text_table}

![write TPS over time with the three build windows](benchmark-tps.png)

## Summary

""" + "\n".join(f"- {s}" for s in summary) + "\n" + goals_md
if api:
    md += ("\n## The operator's API requests\n\nCounted from the API server's audit log (metadata level, one entry per "
           "request; the operator's requests are those with a fabric8 user agent). A watch counts once, when it opens.\n\n"
           "| phase | seconds | requests | most frequent (verb resource: count) |\n|---|---|---|---|\n")
    names = {"startup_and_10s_idle": "start-up and 10 s idle",
             "one_build_apply_to_ready": "one build, apply → Ready",
             "scale_apply_to_all_ready": "scale test, apply → all Ready",
             "steady_state": "scale test, steady state (all Ready)"}
    for k, label in names.items():
        w = api.get(k)
        if w:
            top = ", ".join(f"{vr}: {n}" for vr, n in list(w["by_verb_resource"].items())[:5])
            md += f"| {label} | {w['seconds']} | {w['requests']:,} | {top} |\n"
if op_status.get("build"):
    md += f"\nThe operator's own record of its build (`status.build`): `{json.dumps(op_status['build'])}`\n"
if kept_md:
    md = md.rstrip("\n") + "\n\n" + kept_md + "\n"
with open(os.path.join(A.out, "benchmarks.md"), "w") as fh:
    fh.write(md)
