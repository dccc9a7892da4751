"""ctypes declarations of consroute_router.h and the search for the shared library."""

import ctypes
import ctypes.util
import os

ABI_VERSION = 1

OK = 0
ERR_NO_TABLE = 1
ERR_WRONG_DIMENSION = 2
ERR_INVALID_ARGUMENT = 3


class Fingerprint(ctypes.Structure):
    _fields_ = [
        ("representation_model", ctypes.c_char_p),
        ("representation_dim", ctypes.c_int64),
        ("reranker", ctypes.c_char_p),
        ("prompt_template", ctypes.c_char_p),
    ]


class Ack(ctypes.Structure):
    _fields_ = [
        ("applied", ctypes.c_int32),
        ("version", ctypes.c_uint64),
        ("time_unix_ms", ctypes.c_int64),
        ("reason", ctypes.c_char * 1024),
    ]


class Turn(ctypes.Structure):
    _fields_ = [("previous_tier", ctypes.c_int32), ("context_tokens", ctypes.c_uint32)]


class Decision(ctypes.Structure):
    _fields_ = [
        ("cluster_index", ctypes.c_int32),
        ("cluster_id", ctypes.c_uint32),
        ("tier", ctypes.c_int32),
        ("is_novel", ctypes.c_int32),
        ("distance2", ctypes.c_float),
        ("table_version", ctypes.c_uint64),
    ]


def _candidates():
    configured = os.environ.get("CONSROUTE_ROUTER_LIB")
    if configured:
        yield configured
        return
    here = os.path.dirname(os.path.abspath(__file__))
    for name in ("libconsroute_router.so", "libconsroute_router.dylib"):
        bundled = os.path.join(here, name)
        if os.path.exists(bundled):
            yield bundled
    found = ctypes.util.find_library("consroute_router")
    if found:
        yield found
    yield "libconsroute_router.so"


def load():
    """Loads libconsroute_router and declares its functions; raises OSError naming where it looked."""
    tried = []
    for path in _candidates():
        try:
            lib = ctypes.CDLL(path)
            break
        except OSError as error:
            tried.append(f"{path}: {error}")
    else:
        raise OSError(
            "libconsroute_router not found (set CONSROUTE_ROUTER_LIB to the .so built by "
            "`swift build -c release --product consroute_router`); tried: " + "; ".join(tried))
    declare(lib)
    if lib.consroute_abi_version() != ABI_VERSION:
        raise OSError(f"libconsroute_router ABI {lib.consroute_abi_version()}, this binding needs {ABI_VERSION}")
    return lib


def declare(lib):
    p = ctypes.c_void_p
    lib.consroute_abi_version.restype = ctypes.c_int32
    lib.consroute_abi_version.argtypes = []
    lib.consroute_router_create.restype = p
    lib.consroute_router_create.argtypes = [
        ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(Fingerprint), ctypes.POINTER(ctypes.c_char_p),
        ctypes.c_size_t, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t]
    lib.consroute_router_free.restype = None
    lib.consroute_router_free.argtypes = [p]
    lib.consroute_router_apply.restype = ctypes.c_int32
    lib.consroute_router_apply.argtypes = [p, ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(Ack)]
    lib.consroute_router_table_version.restype = ctypes.c_uint64
    lib.consroute_router_table_version.argtypes = [p]
    lib.consroute_router_dimension.restype = ctypes.c_int64
    lib.consroute_router_dimension.argtypes = [p]
    lib.consroute_router_device_id.restype = ctypes.c_size_t
    lib.consroute_router_device_id.argtypes = [p, ctypes.c_char_p, ctypes.c_size_t]
    # Pointers to floats are passed as addresses (c_void_p): no per-call conversion of numpy arrays.
    lib.consroute_router_route.restype = ctypes.c_int32
    lib.consroute_router_route.argtypes = [
        p, p, ctypes.c_size_t, ctypes.c_float, ctypes.c_float, p, p]
    lib.consroute_router_route_batch.restype = ctypes.c_int32
    lib.consroute_router_route_batch.argtypes = [p, p, ctypes.c_size_t, ctypes.c_size_t, p, p, p, p]
    lib.consroute_canary_contains.restype = ctypes.c_int32
    lib.consroute_canary_contains.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_double]
    lib.consroute_fnv1a64.restype = ctypes.c_uint64
    lib.consroute_fnv1a64.argtypes = [ctypes.c_char_p]
    lib.consroute_kernel.restype = ctypes.c_char_p
    lib.consroute_kernel.argtypes = []
