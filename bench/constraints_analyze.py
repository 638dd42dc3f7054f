#!/usr/bin/env python3
"""Analysis for bench/constraints.sh: reads the pgbench per-transaction logs, the DDL windows (events.tsv), the
PostgreSQL log (every statement of role app with its duration) and the PostgresConstraint's status and events from
the work directory; prints the table; updates <out>/benchmarks.json (key "constraints") and the section between the
constraints markers of <out>/benchmarks.md (appended when missing; bench/analyze.py keeps both when it rewrites
those files)."""
from pgbench_log import transactions
import argparse, datetime, glob, json, math, os, re

ap = argparse.ArgumentParser()
for a in ["work", "out", "mode", "rows", "customers", "rate", "table-size", "load", "pg-version", "cpu", "nproc",
          "free", "java-opts", "runtime", "command"]:
    ap.add_argument("--" + a, required=True)
ap.add_argument("--pairs", type=int, default=1)
A = ap.parse_args()
W = A.work
BEGIN, END = "<!-- constraints:begin (bench/constraints.sh) -->", "<!-- constraints:end -->"
GOAL_MARGIN_MS = 10.0

# --- pgbench per-transaction logs: client txno latency_us|failed|skipped script epoch us [lag] ---
tx, failed = transactions(W)   # (end time, latency s), sorted; end times of failed transactions
if not tx:
    raise SystemExit("constraints_analyze: no pgbench transactions logged")
pgb_out = open(os.path.join(W, "pgbench.out")).read()
aborted = pgb_out.count("aborted")
t_first = tx[0][0]

def pct(vals, q):
    if not vals:
        return None
    v = sorted(vals)
    return v[min(len(v) - 1, max(0, math.ceil(q * len(v)) - 1))]

def stats(s, e):
    """Writes in flight at some point in [s, e] (latency counted from the scheduled start, as pgbench does)."""
    lats = [lat for end, lat in tx if end >= s and end - lat <= e]
    n_sec = max(1, math.ceil(e - s))
    return {"seconds": round(e - s, 3), "writes": len(lats),
            "writes_per_s": round(len(lats) / max(e - s, 1e-9), 1) if e - s >= 1 else None,
            "p99_latency_ms": round(pct(lats, 0.99) * 1000, 1) if lats else None,
            "max_latency_ms": round(max(lats) * 1000, 1) if lats else None,
            "failed_writes": sum(1 for t in failed if s <= t <= e)}

ev = {}
for line in open(os.path.join(W, "events.tsv")):
    n, s, e = line.split()
    ev[n] = (float(s), float(e))
SFX = [""] + [str(k) for k in range(2, A.pairs + 1)]
windows = {}
if "plain" in ev:
    windows["plain"] = ev["plain"]
for x in SFX:
    if f"hand{x}_not_valid" in ev and f"hand{x}_validate" in ev:
        windows[f"hand{x}"] = (ev[f"hand{x}_not_valid"][0], ev[f"hand{x}_validate"][1])
        windows[f"hand{x}_not_valid"] = ev[f"hand{x}_not_valid"]
        windows[f"hand{x}_validate"] = ev[f"hand{x}_validate"]
    if f"operator{x}" in ev:
        windows[f"operator{x}"] = ev[f"operator{x}"]
WHOLE = [n for n in windows if n == "plain" or n.rstrip("0123456789") in ("hand", "operator")]

# --- the PostgreSQL log: "<ts> UTC [pid] user app: LOG:  duration: X ms  <kind>: <statement>" ---
LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) UTC \[(\d+)\] (\S*) (.*?): LOG:  duration: ([\d.]+) ms  (.*)$")
stmts = []   # (start, end, pid, application, duration_ms, text)
for f in sorted(glob.glob(os.path.join(W, "pglog", "*"))):
    for line in open(f, errors="replace"):
        m = LINE.match(line.rstrip("\n"))
        if not m:
            continue
        ts, pid, user, appname, dur, rest = m.groups()
        if rest.startswith(("parse ", "bind ")):
            continue
        text = re.sub(r"^(statement|execute [^:]*): ", "", rest)
        end = datetime.datetime.strptime(ts, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc).timestamp()
        stmts.append((end - float(dur) / 1000, end, int(pid), appname, float(dur), text))
stmts.sort()

def in_window(name, pred):
    s, e = windows.get(name, (None, None))
    if s is None:
        return []
    return [x for x in stmts if s - 0.5 <= x[0] and x[1] <= e + 0.5 and pred(x)]

def server_s(name, needle):
    hit = in_window(name, lambda x: needle in x[5])
    return round(max(x[4] for x in hit) / 1000, 3) if hit else None

def op_steps(wname):
    """The operator's steps in one of its windows, from its own statements: (start, end) each."""
    ops = {}
    op_stmts = in_window(wname, lambda x: x[3].startswith("pgindex"))
    count = [x for x in op_stmts if "json_build_object('count'" in x[5] and '"orders"' in x[5]]
    if count:
        ops["count"] = (count[0][0], count[-1][1])
    nv = [x for x in op_stmts if "NOT VALID" in x[5] and '"orders"' in x[5] and "ADD CONSTRAINT" in x[5]]
    if nv:
        a = nv[0]
        tail = sorted((x for x in op_stmts if x[2] == a[2] and a[1] <= x[1] <= a[1] + 5), key=lambda x: x[1])
        commit = next((x for x in tail if x[5].strip().upper().startswith("COMMIT")), None)
        ops["not_valid"] = (a[0], commit[1] if commit else a[1])
        ops["not_valid_statements"] = [x[5][:120] for x in tail[:tail.index(commit) + 1]] if commit else [a[5][:120]]
    va = [x for x in op_stmts if "VALIDATE CONSTRAINT" in x[5]]
    if va:
        ops["validate"] = (va[0][0], va[0][1])
    return ops

def op_split(wname, ops):
    s0, e0 = windows[wname]
    split = {}
    if "count" in ops:
        split["apply_to_count_start_s"] = round(ops["count"][0] - s0, 3)
        split["count_violations_s"] = round(ops["count"][1] - ops["count"][0], 3)
    if "not_valid" in ops:
        split["not_valid_transaction_s"] = round(ops["not_valid"][1] - ops["not_valid"][0], 3)
        split["not_valid_statements"] = ops["not_valid_statements"]
    if "count" in ops and "not_valid" in ops:
        split["count_end_to_not_valid_s"] = round(ops["not_valid"][0] - ops["count"][1], 3)
    if "not_valid" in ops and "validate" in ops:
        split["not_valid_end_to_validate_s"] = round(ops["validate"][0] - ops["not_valid"][1], 3)
    if "validate" in ops:
        split["validate_s"] = round(ops["validate"][1] - ops["validate"][0], 3)
        split["validate_end_to_ready_s"] = round(e0 - ops["validate"][1], 3)
    return split

def plan_workers(sql):
    """EXPLAIN of one of the operator's statements (PostgreSQL still runs): the parallel workers it plans."""
    import subprocess
    try:
        out = subprocess.run(["psql", "-XAtc", "EXPLAIN " + sql], capture_output=True, text=True, timeout=60).stdout
    except Exception:
        return None
    return [int(m) for m in re.findall(r"Workers Planned: (\d+)", out)]

rows = {}
for name, (s, e) in windows.items():
    rows[name] = stats(s, e)
    rows[name].update({"start": s, "end": e})
server = {"plain_add_fk_s": server_s("plain", "FOREIGN KEY"),
          "hand_not_valid_s": server_s("hand_not_valid", "NOT VALID"),
          "hand_validate_s": server_s("hand_validate", "VALIDATE CONSTRAINT")}
for x in SFX:
    if f"operator{x}" not in windows:
        continue
    ops = op_steps(f"operator{x}")
    for k in ["count", "not_valid", "validate"]:
        if k in ops:
            rows[f"operator{x}_{k}"] = stats(*ops[k])
            rows[f"operator{x}_{k}"].update({"start": ops[k][0], "end": ops[k][1]})
    server[f"operator{x}"] = op_split(f"operator{x}", ops)
    if x == "" and "count" in ops:
        sql = next((t[5] for t in in_window("operator", lambda t: "json_build_object('count'" in t[5])), None)
        if sql:
            server["operator"]["count_plan_workers_planned"] = plan_workers(sql)
            server["operator"]["count_single_scan"] = "CASE WHEN" in sql

# baseline: every write not in flight in a DDL window, nor in the 3 s after one (the backlog a blocked window leaves),
# nor in the first 2 s of the load
def outside(end, lat):
    if end - lat < t_first + 2:
        return False
    return all(end < s or end - lat > e + 3 for n, (s, e) in windows.items() if n in WHOLE)
base = [lat for end, lat in tx if outside(end, lat)]
baseline = {"writes": len(base), "p99_latency_ms": round(pct(base, 0.99) * 1000, 1) if base else None,
            "max_latency_ms": round(max(base) * 1000, 1) if base else None}
span = tx[-1][0] - t_first
avg_rate = round(len(tx) / span, 1) if span > 0 else None

op_st, op_events = {}, []
try:
    st = json.load(open(os.path.join(W, "operator-status.json"))).get("status", {})
    op_st = {k: st.get(k) for k in ["step", "validated", "definition", "violations", "validation", "supportingIndex",
                                    "adopted"]}
    op_st["ready"] = next((c.get("status") for c in st.get("conditions", []) if c.get("type") == "Ready"), None)
except Exception:
    pass
try:
    items = json.load(open(os.path.join(W, "operator-events.json"))).get("items", [])
    for it in sorted(items, key=lambda i: int(i.get("metadata", {}).get("resourceVersion") or 0)):
        op_events.append({"time": it.get("eventTime") or it.get("firstTimestamp"), "type": it.get("type"),
                          "reason": it.get("reason"), "message": (it.get("message") or "")[:200]})
except Exception:
    pass
final = open(os.path.join(W, "constraint-final.txt")).read().strip() if os.path.exists(
    os.path.join(W, "constraint-final.txt")) else ""
loads = {}
if os.path.exists(os.path.join(W, "loadavg.tsv")):
    for line in open(os.path.join(W, "loadavg.tsv")):
        n, l = line.rstrip("\n").split("\t")
        loads[n] = l

def median(v):
    v = sorted(x for x in v if x is not None)
    return None if not v else v[len(v) // 2] if len(v) % 2 else round((v[len(v) // 2 - 1] + v[len(v) // 2]) / 2, 1)
pairs = []
for i, x in enumerate(SFX):
    h, o = rows.get(f"hand{x}"), rows.get(f"operator{x}")
    if not h or not o:
        continue
    pr = {"pair": i + 1}
    for who, r in (("hand", h), ("operator", o)):
        pr[who] = {k: r[k] for k in ["seconds", "p99_latency_ms", "max_latency_ms", "failed_writes"]}
    for step in ["hand{}_validate", "operator{}_count", "operator{}_validate"]:
        r = rows.get(step.format(x))
        pr[step.format("").replace("__", "_") + "_max_latency_ms"] = r and r["max_latency_ms"]
    pr["loadavg_before"] = [loads.get(f"hand{x}"), loads.get(f"operator{x}")]
    pr["difference_ms"] = (round(o["max_latency_ms"] - h["max_latency_ms"], 1)
                           if o["max_latency_ms"] is not None and h["max_latency_ms"] is not None else None)
    pairs.append(pr)

op, hand = rows.get("operator"), rows.get("hand")
total_failed = len(failed) + aborted
goal = None
if pairs and pairs[0]["difference_ms"] is not None:
    med_h = median([p["hand"]["max_latency_ms"] for p in pairs])
    med_o = median([p["operator"]["max_latency_ms"] for p in pairs])
    goal = {"text": "operator's max write latency at most 10 ms above the hand-run protocol's, failed writes 0",
            "operator_max_latency_ms": op["max_latency_ms"], "hand_max_latency_ms": hand["max_latency_ms"],
            "difference_ms": pairs[0]["difference_ms"], "latency_met": pairs[0]["difference_ms"] <= GOAL_MARGIN_MS,
            "pairs": len(pairs), "pairs_within_10ms": sum(1 for p in pairs if p["difference_ms"] is not None
                                                          and p["difference_ms"] <= GOAL_MARGIN_MS),
            "median_operator_max_latency_ms": med_o, "median_hand_max_latency_ms": med_h,
            "median_difference_ms": round(med_o - med_h, 1) if med_o is not None and med_h is not None else None,
            "failed_writes_whole_run": len(failed), "clients_aborted": aborted, "failed_met": total_failed == 0,
            "ready": op_st.get("ready") == "True" and "|t|" in final,
            }
    goal["median_latency_met"] = goal["median_difference_ms"] is not None and goal["median_difference_ms"] <= GOAL_MARGIN_MS
    goal["met"] = goal["latency_met"] and goal["failed_met"] and goal["ready"]
    goal["met_on_medians"] = goal["median_latency_met"] and goal["failed_met"] and goal["ready"]

date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
result = {
    "mode": A.mode, "command": A.command, "date": date, "runtime_s": int(A.runtime),
    "machine": {"nproc": int(A.nproc), "free_g": A.free, "cpu": A.cpu, "postgres": A.pg_version,
                "loadavg_before": loads},
    "setup": {"child_rows": int(A.rows), "parent_rows": int(A.customers), "child_size": A.table_size,
              "load": A.load, "pgbench_rate": int(A.rate), "clients": 4, "threads": 2,
              "workload": "80% UPDATE orders SET amount = amount + 1 WHERE id = random; 20% INSERT INTO orders",
              "constraint": "orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)",
              "fk_index": "orders_customer_id ON orders (customer_id), built before the load",
              "operator_jvm_flags": A.java_opts or "JVM defaults"},
    "write_load": {"transactions": len(tx), "avg_tps": avg_rate, "failed": len(failed), "clients_aborted": aborted,
                   "baseline": baseline},
    "windows": rows, "pairs": pairs, "server_side": server, "operator_status": op_st, "operator_events": op_events,
    "constraint_in_postgres": final, "goal": goal,
}

# --- the table ---
def fmt(v, suf=""):
    return "—" if v is None else f"{v:,}{suf}" if isinstance(v, int) else f"{v}{suf}"
label = {"plain": "plain `ADD FOREIGN KEY` (psql)",
         "hand": "by hand: `NOT VALID` + `VALIDATE` (psql), whole",
         "hand_not_valid": "… `ADD ... NOT VALID` (lock_timeout 2s)",
         "hand_validate": "… `VALIDATE CONSTRAINT` (new session)",
         "operator": "operator: apply → Ready (`kubectl wait`), whole",
         "operator_count": "… count of violating rows (read-only)",
         "operator_not_valid": "… `ADD ... NOT VALID` + `COMMENT`, one transaction",
         "operator_validate": "… `VALIDATE CONSTRAINT` (own session)"}
tbl = [("method / step", "duration", "writes in window", "p99 latency", "max latency", "failed writes")]
for n in ["plain", "hand", "hand_not_valid", "hand_validate", "operator", "operator_count", "operator_not_valid",
          "operator_validate"]:
    r = rows.get(n)
    if r:
        tbl.append((label[n], fmt(r["seconds"], " s"), fmt(r["writes"]), fmt(r["p99_latency_ms"], " ms"),
                    fmt(r["max_latency_ms"], " ms"), fmt(r["failed_writes"])))
tbl.append(("baseline: every write outside the windows (and 3 s after each)", "", fmt(baseline["writes"]),
            fmt(baseline["p99_latency_ms"], " ms"), fmt(baseline["max_latency_ms"], " ms"), ""))
def md_table(t):
    return "\n".join(["| " + " | ".join(t[0]) + " |", "|" + "---|" * len(t[0])] + ["| " + " | ".join(r) + " |" for r in t[1:]])
table = md_table(tbl)
m = result["machine"]
lines = [BEGIN, "## Constraints: ADD FOREIGN KEY vs NOT VALID + VALIDATE vs the operator", "",
         f"Generated by `{A.command}` on {date} ({A.mode} mode, {A.runtime} s; issue 26). Do not edit by hand: rerun "
         "it. How it measures: [bench/README.md](../bench/README.md#constraints-benchconstraintssh). Raw numbers: key "
         "`constraints` of [benchmarks.json](benchmarks.json).", "",
         f"- machine: {m['cpu']}, `nproc` = {m['nproc']}, {(m['free_g'].split() + ['?', '?'])[1]} GiB of memory; {m['postgres'].split(' on ')[0]}; load average "
         "(1, 5, 15 min) at the start of each method: " + "; ".join(f"{k} {v}" for k, v in loads.items())
         + ". pgbench, PostgreSQL, kube-apiserver, etcd and the operator share the machine.",
         f"- tables: `customers` {int(A.customers):,} rows; `orders` {int(A.rows):,} rows ({A.table_size}; loaded in "
         f"{A.load}), the index on `orders (customer_id)` built beforehand",
         f"- load: one pgbench run at a fixed {A.rate} transactions/s (`-c 4 -j 2 -l`, role `writer`): 80% "
         "`UPDATE orders SET amount = amount + 1 WHERE id = <random>`, 20% `INSERT INTO orders` with a random "
         f"existing customer; {len(tx):,} transactions, average {avg_rate}/s, {len(failed)} failed, {aborted} clients aborted",
         "- the same foreign key `orders (customer_id) REFERENCES customers (id)` three times, dropped in between, a "
         f"quiet gap before each (`CHECKPOINT`, then {10 if A.mode == 'full' else 4} s); the operator at its shipped defaults "
         f"(JVM: `{A.java_opts or 'JVM defaults'}`), started once before the load, a `PostgresConstraint` with "
         "`foreignKey` and no `index` named (it found `orders_customer_id` itself)",
         "- latency is pgbench's, from each transaction's scheduled start, so a blocked write counts the time it "
         "waited; a window covers every write in flight at some point in it. The operator's steps are its own "
         "statements as the PostgreSQL log times them (`log_min_duration_statement = 0` for role `app`)", "",
         table, ""]
if "operator" in server:
    sp = server["operator"]
    lines.append("Server-side durations (PostgreSQL log): plain `ADD FOREIGN KEY` "
                 f"{fmt(server['plain_add_fk_s'], ' s')}; by hand `NOT VALID` {fmt(server['hand_not_valid_s'], ' s')} "
                 f"and `VALIDATE` {fmt(server['hand_validate_s'], ' s')}. The operator's apply → Ready of "
                 f"{fmt(op and op['seconds'], ' s')}: apply → count starts {fmt(sp.get('apply_to_count_start_s'), ' s')}, "
                 f"count of violating rows {fmt(sp.get('count_violations_s'), ' s')}, then "
                 f"{fmt(sp.get('count_end_to_not_valid_s'), ' s')} to `NOT VALID`, whose transaction took "
                 f"{fmt(sp.get('not_valid_transaction_s'), ' s')}, {fmt(sp.get('not_valid_end_to_validate_s'), ' s')} to "
                 f"`VALIDATE`, which took {fmt(sp.get('validate_s'), ' s')}, and {fmt(sp.get('validate_end_to_ready_s'), ' s')} "
                 "until `kubectl wait` returned."
                 + (f" Its count is one query over the whole child table ("
                    + ("the sample of up to five rows is read only when there are violations"
                       if sp.get("count_single_scan") else
                       "the count, then a sample of up to five rows, which reads the whole table again when there are none")
                    + f"); `EXPLAIN` plans {' and '.join(str(w) for w in sp['count_plan_workers_planned'])} parallel "
                    "workers for it, "
                    f"so it runs on up to {max(sp['count_plan_workers_planned']) + 1} backends at once on this "
                    f"{A.nproc}-core machine, where `VALIDATE` (whose check PostgreSQL runs without parallelism) runs "
                    "on one."
                    if sp.get("count_plan_workers_planned") else ""))
    lines.append("")
if op_events:
    lines.append("The operator's events: " + "; ".join(f"{e['time']} {e['reason']}" for e in op_events)
                 + f". In PostgreSQL afterwards: `{final}`.")
    lines.append("")
if len(pairs) > 1:
    lines += [f"The hand-run protocol and the operator ran {len(pairs)} times, alternating (`BENCH_PAIRS`; the first "
              "pair is the one above), the same quiet gap before each: one window's max latency is one sample on "
              "this shared machine, and the pairs show how much of a difference is noise.", ""]
    pt = [("pair", "by hand: duration", "p99", "max", "operator: duration", "p99", "max", "… max in count",
           "… max in VALIDATE", "operator − hand, max", "load before (hand; operator)")]
    for p in pairs:
        h, o = p["hand"], p["operator"]
        pt.append((str(p["pair"]), fmt(h["seconds"], " s"), fmt(h["p99_latency_ms"], " ms"), fmt(h["max_latency_ms"], " ms"),
                   fmt(o["seconds"], " s"), fmt(o["p99_latency_ms"], " ms"), fmt(o["max_latency_ms"], " ms"),
                   fmt(p["operator_count_max_latency_ms"], " ms"), fmt(p["operator_validate_max_latency_ms"], " ms"),
                   fmt(p["difference_ms"], " ms"), "; ".join(str((l or "?").split()[0]) for l in p["loadavg_before"])))
    if goal:
        pt.append(("median", "", "", fmt(goal["median_hand_max_latency_ms"], " ms"), "", "",
                   fmt(goal["median_operator_max_latency_ms"], " ms"), "", "", fmt(goal["median_difference_ms"], " ms"), ""))
    lines += [md_table(pt), ""]
if goal:
    lines.append(f"**Goal** ({goal['text']}), side by side in the first pair: the operator's max latency "
                 f"{goal['operator_max_latency_ms']} ms against {goal['hand_max_latency_ms']} ms by hand, "
                 f"{goal['difference_ms']:+} ms ({'within' if goal['latency_met'] else 'MORE than'} 10 ms); "
                 f"{goal['failed_writes_whole_run']} failed writes and {goal['clients_aborted']} clients aborted over "
                 f"the whole run; the constraint {'validated and Ready' if goal['ready'] else 'NOT validated or not Ready'}: "
                 f"**{'met' if goal['met'] else 'NOT met'}**."
                 + (f" Over the {goal['pairs']} pairs: within 10 ms in {goal['pairs_within_10ms']}; medians of the max "
                    f"latencies {goal['median_operator_max_latency_ms']} ms (operator) and "
                    f"{goal['median_hand_max_latency_ms']} ms (by hand), {goal['median_difference_ms']:+} ms: "
                    f"**{'met' if goal['met_on_medians'] else 'NOT met'} on the medians**." if goal["pairs"] > 1 else ""))
    lines.append("")
lines.append(END)
section = "\n".join(lines)
print(table)
print()
print("\n".join(lines[lines.index(table) + 1:]))

os.makedirs(A.out, exist_ok=True)
jpath, mpath = os.path.join(A.out, "benchmarks.json"), os.path.join(A.out, "benchmarks.md")
doc = json.load(open(jpath)) if os.path.exists(jpath) else {}
doc["constraints"] = result
with open(jpath, "w") as fh:
    json.dump(doc, fh, indent=2)
md = open(mpath).read() if os.path.exists(mpath) else "# Benchmarks\n"
if BEGIN in md and END in md:
    md = md[:md.index(BEGIN)] + section + (md[md.index(END) + len(END):] or "\n")
else:
    md = md.rstrip("\n") + "\n\n" + section + "\n"
with open(mpath, "w") as fh:
    fh.write(md)
