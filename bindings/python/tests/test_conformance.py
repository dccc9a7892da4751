"""The repository's conformance vectors through the Python binding (the Swift and C tests run the same files)."""

import numpy as np
import pytest

from conftest import conformance_bytes, conformance_json, make_router
from consroute_router import Tier, fnv1a64, in_canary_cohort

APPLY = conformance_json("apply.json")
# The small route set (d = 16) and the large one (d = 384, k = 40: centroids beyond L1), each with its own router.
ROUTES = {name: conformance_json(name) for name in ("route.json", "route-d384.json")}
COHORT = conformance_json("cohort.json")


@pytest.mark.parametrize("scenario", APPLY["scenarios"], ids=[s["name"] for s in APPLY["scenarios"]])
def test_apply_scenario(scenario):
    with make_router() as router:
        for step in scenario["steps"]:
            ack = router.apply(conformance_bytes(step["envelope"]))
            assert ack.applied == step["applied"], ack
            assert ack.version == step["version"]
            assert ack.code == (step["reason_code"] or "")
            if "reason" in step:
                assert ack.reason == step["reason"]
            assert router.table_version == step["held_version"]


def _queries(route):
    queries = route["queries"]
    x = np.array([q["representation"] for q in queries], dtype=np.float32)
    pd = np.array([q["p_device"] for q in queries], dtype=np.float32)
    pe = np.array([q["p_edge"] for q in queries], dtype=np.float32)
    return queries, x, pd, pe


def _turn(query):
    turn = query["turn"]
    return None if turn is None else (turn["previous_tier"], turn["context_tokens"])


@pytest.mark.parametrize("name", ROUTES)
def test_route_vectors_one_by_one(name):
    route = ROUTES[name]
    with make_router(configuration_file=route["router"]) as router:
        assert router.apply(conformance_bytes(route["table"])).applied
        assert router.dimension == route["dimension"]
        queries, x, pd, pe = _queries(route)
        assert len(queries) >= 60
        for i, query in enumerate(queries):
            decision = router.route(x[i], float(pd[i]), float(pe[i]), _turn(query))
            expected = query["expected"]
            assert (decision.cluster_index, decision.cluster_id, decision.is_novel, str(decision.tier)) == (
                expected["cluster_index"], expected["cluster_id"], expected["novel"], expected["tier"]), query["name"]
            assert decision.table_version == router.table_version
            # A plain list routes the same as a float32 array.
            assert router.route(x[i].tolist(), float(pd[i]), float(pe[i]), _turn(query)) == decision


@pytest.mark.parametrize("name", ROUTES)
def test_route_vectors_batched(name):
    route = ROUTES[name]
    with make_router(configuration_file=route["router"]) as router:
        assert router.apply(conformance_bytes(route["table"])).applied
        queries, x, pd, pe = _queries(route)
        # A first turn is "previous tier device, no context": it never moves a query down nor blocks an escalation.
        turns = [_turn(q) or (Tier.DEVICE, 0) for q in queries]
        decisions = router.route_batch(x, pd, pe, turns)
        expected = [(q["expected"]["cluster_index"], q["expected"]["novel"], q["expected"]["tier"]) for q in queries]
        got = [(int(d["cluster_index"]), bool(d["is_novel"]), str(Tier(int(d["tier"])))) for d in decisions]
        assert got == expected


@pytest.mark.parametrize("case", COHORT["cases"])
def test_cohort(case):
    assert format(fnv1a64(case["salt"] + case["device_id"]), "x") == case["fnv1a64"]
    assert in_canary_cohort(case["device_id"], case["salt"], case["percent"]) == case["in_cohort"]
