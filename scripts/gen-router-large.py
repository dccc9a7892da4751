#!/usr/bin/env python3
"""Router data at the representation sizes of real device models: d = 384 and d = 2048.

Writes `router-d384` (50,000 queries) and `router-d2048` (20,000 queries) in the shared `routing-bench/1`
format (meta.json + raw little-endian files) next to the shared datasets, with 64 centroids each (the
benchmark uses the first 16 for k = 16). Same mixture as the shared `router` dataset (gen_data.py): queries
= centroid[comp] + N(0, spread_c^2 I), centroids N(0, 1), per-cluster thresholds and beta-distributed scores.
Deterministic: numpy PCG64(SeedSequence([seed, 601 + d])).

Usage: python3 scripts/gen-router-large.py --out DATA_DIR [--seed 7]
"""
import argparse
import hashlib
import json
import os


def write(out, name, meta, columns):
    import numpy as np
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    files = []
    for column, dtype, values, description in columns:
        array = np.ascontiguousarray(values, dtype={"f32": "<f4", "i32": "<i4"}[dtype])
        raw = array.tobytes()
        file = f"{column}.{dtype}"
        with open(os.path.join(folder, file), "wb") as handle:
            handle.write(raw)
        files.append({"name": column, "file": file, "dtype": dtype, "shape": list(array.shape),
                      "sha256": hashlib.sha256(raw).hexdigest(), "description": description})
    meta = dict(meta, files=files, format="routing-bench/1")
    with open(os.path.join(folder, "meta.json"), "w") as handle:
        json.dump(meta, handle, indent=1)


def generate(seed, d, n, k, out):
    import numpy as np
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, 601 + d])))
    cent = rng.normal(0.0, 1.0, (k, d))
    spread = rng.uniform(0.8, 1.6, k)
    w = rng.dirichlet(np.full(k, 2.0))
    comp = rng.choice(k, size=n, p=w).astype(np.int32)
    x = np.empty((n, d), dtype=np.float32)
    for start in range(0, n, 5000):
        part = comp[start:start + 5000]
        x[start:start + len(part)] = cent[part] + rng.standard_normal((len(part), d)) * spread[part, None]
    thr = np.stack([rng.uniform(0.55, 0.9, k), rng.uniform(0.4, 0.8, k)], 1)
    pm_dev = rng.uniform(0.4, 0.9, k)
    pm_edge = np.minimum(pm_dev + rng.uniform(0.05, 0.25, k), 0.97)
    p_dev = rng.beta(pm_dev[comp] * 8.0, (1.0 - pm_dev[comp]) * 8.0)
    p_edge = rng.beta(pm_edge[comp] * 8.0, (1.0 - pm_edge[comp]) * 8.0)
    name = f"router-d{d}"
    meta = {"name": name, "workload": "W5", "seed": seed, "n": n, "d": d, "k": k,
            "rng": f"numpy PCG64(SeedSequence([seed, {601 + d}]))", "numpy_version": np.__version__,
            "description": "as `router` (gen_data.py) at a device model's representation size; k=16 uses the "
                           "first 16 centroids and thresholds", "tier_codes": {"device": 0, "edge": 1, "cloud": 2}}
    write(out, name, meta, [
        ("points", "f32", x, "n x d query vectors"),
        ("centroids", "f32", cent, "k x d centroids"),
        ("thresholds", "f32", thr, "k x 2: (t_dev, t_edge) per centroid"),
        ("p_dev", "f32", p_dev, "router-predicted device consistency per query"),
        ("p_edge", "f32", p_edge, "router-predicted edge consistency per query"),
        ("component", "i32", comp, "generating centroid"),
    ])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    for d, n in ((384, 50_000), (2048, 20_000)):
        if not os.path.exists(os.path.join(args.out, f"router-d{d}", "meta.json")):
            generate(args.seed, d, n, 64, args.out)


if __name__ == "__main__":
    main()
