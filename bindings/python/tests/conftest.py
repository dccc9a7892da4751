import json
import os

import pytest

from consroute_router import Fingerprint, Router

CONFORMANCE = os.environ.get("CONSROUTE_CONFORMANCE") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "conformance")


def conformance_path(relative):
    return os.path.join(CONFORMANCE, relative)


def conformance_json(relative):
    with open(conformance_path(relative), "rb") as file:
        return json.load(file)


def conformance_bytes(relative):
    with open(conformance_path(relative), "rb") as file:
        return file.read()


def make_router(state_directory=None, configuration_file="router.json"):
    """A fresh router as conformance/router.json (or another configuration file there) describes it."""
    configuration = conformance_json(configuration_file)
    fingerprint = configuration["fingerprint"]
    keys = [conformance_bytes(path) for path in configuration["trusted_keys"]]
    return Router(
        configuration["fleet"], configuration["device_id"],
        Fingerprint(fingerprint["representation_model"], fingerprint["representation_dim"], fingerprint["reranker"],
                    fingerprint["prompt_template"]),
        keys, state_directory)


@pytest.fixture
def router():
    with make_router() as router:
        yield router
