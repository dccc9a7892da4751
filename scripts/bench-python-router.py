#!/usr/bin/env python3
"""The C ABI's call overhead from Python: the W5 router workload (k=16, d=64) through the ctypes binding.

Lines (JSON, the peers' shape): `consroute-python.route` (one `Router.route` call per query, --single
queries) and `consroute-python.route_batch` (all queries in one `route_batch` call), both with the
kernel path, and the batch checked bit for bit against the peers' float64 reference (sha256).
Needs the signed bench table that `consroute-bench router` writes to DATA/router/consroute-signed/, the
library in $CONSROUTE_ROUTER_LIB and the binding installed (pip install ./bindings/python).

Usage: python scripts/bench-python-router.py --data DATA [--single 100000] [--repeats 5]
"""
import argparse
import hashlib
import json
import os
import statistics
import sys
import time

REFERENCE_ASSIGN = "d50735f9414daac42af380c19e2451d56335055660d2988cd9405b33b4721f60"
REFERENCE_TIER = "53e4b7758bdfe47a9d02fa1cee36d72adfa581a489a8ee672cdbc8c8f4cae1d5"


def column(folder, name):
    import numpy as np
    with open(os.path.join(folder, "meta.json")) as handle:
        meta = json.load(handle)
    entry = next(f for f in meta["files"] if f["name"] == name)
    dtype = {"f32": "<f4", "i32": "<i4", "u8": "u1"}[entry["dtype"]]
    return np.fromfile(os.path.join(folder, entry["file"]), dtype=dtype).reshape(entry["shape"])


def timed(body, repeats):
    body()
    walls = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = body()
        walls.append(time.perf_counter() - start)
    return statistics.median(walls), walls, result


def emit(record):
    record["loadavg_at_emit"] = [float(v) for v in open("/proc/loadavg").read().split()[:3]]
    print(json.dumps(record, sort_keys=True), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True)
    parser.add_argument("--single", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    import numpy as np
    from consroute_router import Fingerprint, Router, kernel

    folder = os.path.join(args.data, "router")
    signed = os.path.join(folder, "consroute-signed")
    X = np.ascontiguousarray(column(folder, "points"))
    pd, pe = column(folder, "p_dev"), column(folder, "p_edge")
    n, d = X.shape
    with open(os.path.join(signed, "key.pub"), "rb") as handle:
        key = handle.read()
    router = Router("bench", "bench", Fingerprint("bench", d, "bench", "bench"), [key])
    with open(os.path.join(signed, "table.json"), "rb") as handle:
        ack = router.apply(handle.read())
    if not ack.applied:
        sys.exit(f"bench table rejected: {ack.reason}")

    m = min(args.single, n)
    rows = [X[i] for i in range(m)]
    pdl, pel = pd[:m].tolist(), pe[:m].tolist()

    def per_call():
        route = router.route
        return [route(rows[i], pdl[i], pel[i]).tier for i in range(m)]

    wall, walls, tiers_single = timed(per_call, max(1, args.repeats // 2))
    emit({"workload": "W5", "peer": "consroute-python.route",
          "params": {"queries": m, "threads": 1, "per_query": "one Router.route() call (ctypes) per query",
                     "kernel": kernel()},
          "wall_s": round(wall, 5), "walls_s": [round(w, 5) for w in walls], "ns_per_query": round(wall / m * 1e9, 1)})

    wall, walls, decisions = timed(lambda: router.route_batch(X, pd, pe), args.repeats)
    assign = np.ascontiguousarray(decisions["cluster_index"].astype("<i4"))
    tiers = np.ascontiguousarray(decisions["tier"].astype(np.uint8))
    sha = lambda a: hashlib.sha256(a.tobytes()).hexdigest()  # noqa: E731
    emit({"workload": "W5", "peer": "consroute-python.route_batch",
          "params": {"batch": n, "threads": 1, "per_query": "one Router.route_batch() call (ctypes) for all",
                     "kernel": kernel()},
          "wall_s": round(wall, 5), "walls_s": [round(w, 5) for w in walls], "ns_per_query": round(wall / n * 1e9, 2),
          "sha256_assign_i32le": sha(assign), "sha256_tier_u8": sha(tiers),
          "matches_peer_reference_sha256": sha(assign) == REFERENCE_ASSIGN and sha(tiers) == REFERENCE_TIER,
          "single_equals_batch": [int(t) for t in tiers_single] == tiers[:m].tolist()})


if __name__ == "__main__":
    main()
