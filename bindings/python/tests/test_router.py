"""The binding's own behaviour: errors, persistence, the device id, the kernel path."""

import numpy as np
import pytest

from conftest import conformance_bytes, conformance_json, make_router
from consroute_router import Fingerprint, Router, RouterError, Tier, kernel
from consroute_router import _library


def test_errors_before_a_table_and_for_a_wrong_dimension(router):
    with pytest.raises(RouterError) as no_table:
        router.route(np.zeros(16, dtype=np.float32), 0.5, 0.5)
    assert no_table.value.code == _library.ERR_NO_TABLE
    assert router.apply(conformance_bytes("tables/route.json")).applied
    with pytest.raises(RouterError) as wrong:
        router.route(np.zeros(15, dtype=np.float32), 0.5, 0.5)
    assert wrong.value.code == _library.ERR_WRONG_DIMENSION
    with pytest.raises(ValueError):
        router.route(np.zeros(16, dtype=np.float32), 0.5, 0.5, turn=("nowhere", 10))


def test_a_key_that_does_not_parse_is_refused():
    with pytest.raises(ValueError, match="public key 0"):
        Router("f", "d", Fingerprint("m", 16, "r", "v1"), ["not a key file"])


def test_the_last_good_table_survives_a_restart(tmp_path):
    with make_router(str(tmp_path)) as router:
        assert router.apply(conformance_bytes("tables/v2.json")).applied
    with make_router(str(tmp_path)) as restarted:
        assert restarted.table_version == 2


def test_device_id_and_kernel(router):
    assert router.device_id == conformance_json("router.json")["device_id"]
    assert kernel() in {"avx512vnni", "avx512", "avx2", "sse2", "neon", "scalar"}


def test_float64_input_is_converted(router):
    assert router.apply(conformance_bytes("tables/route.json")).applied
    query = conformance_json("route.json")["queries"][0]
    as_float32 = router.route(np.array(query["representation"], dtype=np.float32), 0.5, 0.5)
    as_float64 = router.route(np.array(query["representation"], dtype=np.float64), 0.5, 0.5)
    assert as_float32 == as_float64
    assert as_float32.tier in set(Tier)
