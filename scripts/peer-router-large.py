#!/usr/bin/env python3
"""numpy peers of the router at d = 384 and d = 2048 (k = 16 and 64), on scripts/gen-router-large.py's data.

The same two peers as ../shared/bench/peer_w5_router.py: `numpy-batch` (float32 GEMM expansion over all
queries, BLAS on one thread) and `numpy-single` (one query per numpy call), plus the float64 `reference`
assignment's sha256, which `consroute-bench router` reports as `sha256_reference_assign_i32le`.

Usage: python scripts/peer-router-large.py --data DATA [--repeats 5] [--single 2000]
"""
import argparse
import contextlib
import hashlib
import json
import os
import statistics
import time


def column(folder, name):
    import numpy as np
    with open(os.path.join(folder, "meta.json")) as handle:
        meta = json.load(handle)
    entry = next(f for f in meta["files"] if f["name"] == name)
    dtype = {"f32": "<f4", "i32": "<i4"}[entry["dtype"]]
    return np.fromfile(os.path.join(folder, entry["file"]), dtype=dtype).reshape(entry["shape"])


def timed(body, repeats):
    body()
    walls = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = body()
        walls.append(time.perf_counter() - start)
    return statistics.median(walls), walls, result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--single", type=int, default=2000)
    args = parser.parse_args()
    import numpy as np
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        threadpool_limits = None

    for name in ("router-d384", "router-d2048"):
        folder = os.path.join(args.data, name)
        if not os.path.exists(os.path.join(folder, "meta.json")):
            continue
        X = column(folder, "points")
        n, d = X.shape
        for k in (16, 64):
            C = column(folder, "centroids")[:k]
            C64 = C.astype(np.float64)
            reference = np.empty(n, dtype=np.int32)
            for s in range(0, n, 4096):
                x = X[s:s + 4096].astype(np.float64)
                D = (x ** 2).sum(1)[:, None] - 2.0 * (x @ C64.T) + (C64 ** 2).sum(1)[None, :]
                reference[s:s + 4096] = D.argmin(1)
            sha = hashlib.sha256(reference.astype("<i4").tobytes()).hexdigest()
            cn = (C64 ** 2).sum(1).astype(np.float32)
            Ct = np.ascontiguousarray(C.T)

            def batch():
                D = X @ Ct
                D *= -2.0
                D += cn
                return D.argmin(1)

            one_thread = threadpool_limits(limits=1) if threadpool_limits else contextlib.nullcontext()
            with one_thread:
                wall, walls, labels = timed(batch, args.repeats)
                m = min(args.single, n)
                rows = [X[i] for i in range(m)]
                single_wall, _, single = timed(lambda: [int(((C - x) ** 2).sum(1).argmin()) for x in rows], 3)
            base = {"workload": "W5", "dataset": name, "n": n, "k": k, "d": d}
            print(json.dumps(dict(base, peer="reference", params={"precision": "float64"},
                                  sha256_assign_i32le=sha)))
            print(json.dumps(dict(base, peer="numpy-batch", params={"batch": n, "threads": 1, "dtype": "float32"},
                                  wall_s=round(wall, 5), ns_per_query=round(wall / n * 1e9, 2),
                                  assign_mismatches_vs_float64=int((labels != reference).sum()))))
            print(json.dumps(dict(base, peer="numpy-single", params={"queries": m, "threads": 1},
                                  wall_s=round(single_wall, 5), ns_per_query=round(single_wall / m * 1e9, 1),
                                  assign_mismatches_vs_float64=int((np.array(single) != reference[:m]).sum()))))


if __name__ == "__main__":
    main()
