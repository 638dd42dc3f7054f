"""The operator's requests in a kube-apiserver audit log (metadata level), shared by bench/analyze.py and
bench/indexset.sh: one entry per request (a watch is logged when its response starts and when it ends, so entries
are counted once per audit ID), the operator's being those with a fabric8 user agent."""
import datetime
import json


def ts(v):
    """RFC 3339 with up to nanoseconds, UTC, as epoch seconds."""
    base, _, frac = v.rstrip("Z").partition(".")
    return datetime.datetime.fromisoformat(base + "+00:00").timestamp() + (float("0." + frac) if frac else 0.0)


def operator_requests(path):
    """(received at, verb, resource[/subresource]) for every request of the operator, in log order."""
    seen, reqs = set(), []
    for line in open(path):
        try:
            ev = json.loads(line)
        except ValueError:
            continue
        if "fabric8" not in ev.get("userAgent", "") or ev.get("auditID") in seen:
            continue
        seen.add(ev.get("auditID"))
        ref = ev.get("objectRef") or {}
        res = ref.get("resource", "?") + ("/" + ref["subresource"] if ref.get("subresource") else "")
        reqs.append((ts(ev["requestReceivedTimestamp"]), ev.get("verb", "?"), res))
    return reqs


def by_verb_resource(reqs):
    """Counts per "verb resource", most frequent first."""
    by = {}
    for _, verb, res in reqs:
        by[f"{verb} {res}"] = by.get(f"{verb} {res}", 0) + 1
    return dict(sorted(by.items(), key=lambda kv: -kv[1]))
