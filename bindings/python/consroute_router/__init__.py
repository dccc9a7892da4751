"""consroute's device router from Python: a ctypes binding over libconsroute_router.

The router is the Swift one (``DeviceRouter``) behind a C ABI: table verification, the routing rule, the
multi-turn switch margin and the canary cohort are the library's, so Python routes exactly as Swift does.

    from consroute_router import Router, Fingerprint
    router = Router("fleet-a", "device-1", Fingerprint("slm", 64, "reranker", "v1"), [open("key.pub").read()])
    ack = router.apply(open("table.json", "rb").read())
    decision = router.route(representation, p_device=0.8, p_edge=0.9, turn=("cloud", 1500))
"""

import ctypes
import enum
from typing import NamedTuple, Optional, Sequence, Tuple, Union

from . import _library

try:
    import numpy as _np
except ImportError:  # pragma: no cover - numpy is optional for one-query routing
    _np = None

__all__ = [
    "Acknowledgement", "Decision", "Fingerprint", "Router", "RouterError", "Tier", "fnv1a64", "in_canary_cohort",
    "kernel",
]

_lib = None


def _c():
    global _lib
    if _lib is None:
        _lib = _library.load()
    return _lib


class Tier(enum.IntEnum):
    """Where a query is served (the telemetry codes)."""

    DEVICE = 0
    EDGE = 1
    CLOUD = 2

    def __str__(self):
        return self.name.lower()


_TIERS = (Tier.DEVICE, Tier.EDGE, Tier.CLOUD)


class Fingerprint(NamedTuple):
    """What the router's representation is; tables with another fingerprint are rejected."""

    representation_model: str
    representation_dim: int
    reranker: str
    prompt_template: str


class Acknowledgement(NamedTuple):
    """The router's answer to one envelope (what a device reports to the acks topic)."""

    applied: bool
    version: int
    reason: str
    time_unix_ms: int

    @property
    def code(self) -> str:
        """The reason's code ("invalid signature", "expired", …), "" when applied."""
        return self.reason.split(": ", 1)[0]


class Decision(NamedTuple):
    """One routing decision."""

    cluster_index: int
    cluster_id: int
    tier: Tier
    is_novel: bool
    distance2: float
    table_version: int


class RouterError(Exception):
    """A call the router could not serve: no table yet, a wrong dimension, an invalid argument."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code


_ERRORS = {
    _library.ERR_NO_TABLE: "no table applied yet",
    _library.ERR_WRONG_DIMENSION: "the representation's length differs from the table's dimension",
    _library.ERR_INVALID_ARGUMENT: "invalid argument (a NULL pointer or a tier outside 0...2)",
}

TurnLike = Union[Tuple[Union[Tier, int, str], int], None]


def _tier(value) -> int:
    """A tier's code from a Tier, its code or its name; ValueError for anything else."""
    if isinstance(value, str):
        try:
            return Tier[value.upper()].value
        except KeyError:
            raise ValueError(f"unknown tier {value!r}") from None
    return Tier(value).value


def _check(status: int):
    if status != _library.OK:
        raise RouterError(status, _ERRORS.get(status, f"error {status}"))


def _floats(values, count: Optional[int] = None):
    """(address, keep-alive) of float32 values: numpy arrays and array('f') without a copy, else packed."""
    if _np is not None and isinstance(values, _np.ndarray):
        if values.dtype != _np.float32 or not values.flags.c_contiguous:
            values = _np.ascontiguousarray(values, dtype=_np.float32)
        return values.ctypes.data, values
    buffer = (ctypes.c_float * (count if count is not None else len(values)))(*values)
    return ctypes.addressof(buffer), buffer


class Router:
    """A device router: applies verified tables, routes queries, keeps the last good table.

    Thread-safe like the Swift router (the library takes its own lock); ``close()`` (or ``with``) frees it.
    """

    def __init__(self, fleet: str, device_id: str, fingerprint: Fingerprint, public_keys: Sequence[Union[str, bytes]],
                 state_directory: Optional[str] = None):
        """Creates a router and reloads the last good table from ``state_directory`` (re-verified first).

        ``public_keys`` are the pinned public key files' contents (``consroute keygen``'s NAME.pub).
        Raises ``ValueError`` with the library's message if a key does not parse.
        """
        c = _c()
        fingerprint = Fingerprint(*fingerprint)
        local = _library.Fingerprint(
            fingerprint.representation_model.encode(), int(fingerprint.representation_dim),
            fingerprint.reranker.encode(), fingerprint.prompt_template.encode())
        keys = [key if isinstance(key, bytes) else key.encode() for key in public_keys]
        key_array = (ctypes.c_char_p * max(1, len(keys)))(*keys)
        error = ctypes.create_string_buffer(1024)
        handle = c.consroute_router_create(
            fleet.encode(), device_id.encode(), ctypes.byref(local), key_array, len(keys),
            state_directory.encode() if state_directory is not None else None, error, len(error))
        if not handle:
            raise ValueError(error.value.decode(errors="replace"))
        self._handle = handle
        self._decision = _library.Decision()
        self._decision_address = ctypes.addressof(self._decision)
        self._turn = _library.Turn()
        self._turn_address = ctypes.addressof(self._turn)

    def close(self):
        """Frees the router (idempotent)."""
        # The library is loaded once a router exists; at interpreter exit the module's globals may be gone.
        if getattr(self, "_handle", None) and _lib is not None:
            _lib.consroute_router_free(self._handle)
            self._handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()

    def apply(self, envelope: bytes) -> Acknowledgement:
        """Verifies an envelope and applies its table if every check passes; the acknowledgement either way."""
        ack = _library.Ack()
        _c().consroute_router_apply(self._handle, bytes(envelope), len(envelope), ctypes.byref(ack))
        return Acknowledgement(bool(ack.applied), ack.version, ack.reason.decode(errors="replace"), ack.time_unix_ms)

    @property
    def table_version(self) -> int:
        """The version of the table in use, 0 if none."""
        return _c().consroute_router_table_version(self._handle)

    @property
    def dimension(self) -> int:
        """The table's representation dimension, 0 if none."""
        return _c().consroute_router_dimension(self._handle)

    @property
    def device_id(self) -> str:
        """This device's id (it selects canary cohorts)."""
        buffer = ctypes.create_string_buffer(512)
        length = _c().consroute_router_device_id(self._handle, buffer, len(buffer))
        if length >= len(buffer):
            buffer = ctypes.create_string_buffer(length + 1)
            _c().consroute_router_device_id(self._handle, buffer, len(buffer))
        return buffer.value.decode()

    def route(self, representation, p_device: float, p_edge: float, turn: TurnLike = None) -> Decision:
        """Routes one query; ``turn`` is ``(previous_tier, context_tokens)`` for a conversation's later turns.

        ``representation``: d floats (a float32 numpy array is passed without a copy).
        Raises ``RouterError`` before any table was applied or for a wrong dimension.
        """
        address, keep = _floats(representation)
        turn_address = None
        if turn is not None:
            self._turn.previous_tier = _tier(turn[0])
            self._turn.context_tokens = int(turn[1])
            turn_address = self._turn_address
        _check(_c().consroute_router_route(
            self._handle, address, len(keep), p_device, p_edge, turn_address, self._decision_address))
        d = self._decision
        return Decision(d.cluster_index, d.cluster_id, _TIERS[d.tier], d.is_novel != 0, d.distance2, d.table_version)

    def route_batch(self, representations, p_device, p_edge, turns=None):
        """Routes n queries with one table read: ``representations`` is n x d float32 (numpy, C order).

        ``p_device``, ``p_edge``: n floats each; ``turns``: None or n ``(previous_tier, context_tokens)``.
        Returns a numpy structured array with fields cluster_index, cluster_id, tier, is_novel, distance2,
        table_version.
        """
        import numpy as np

        x = np.ascontiguousarray(representations, dtype=np.float32)
        if x.ndim != 2:
            raise ValueError("representations must be n x d")
        n, d = x.shape
        pd = np.ascontiguousarray(p_device, dtype=np.float32)
        pe = np.ascontiguousarray(p_edge, dtype=np.float32)
        if pd.shape != (n,) or pe.shape != (n,):
            raise ValueError("p_device and p_edge need one value per representation")
        turn_array = None
        if turns is not None:
            turn_array = (_library.Turn * n)(*[(_tier(t), int(tokens)) for t, tokens in turns])
        out = np.zeros(n, dtype=DECISION_DTYPE)
        _check(_c().consroute_router_route_batch(
            self._handle, x.ctypes.data, n, d, pd.ctypes.data, pe.ctypes.data,
            ctypes.addressof(turn_array) if turn_array is not None else None, out.ctypes.data))
        return out


def _decision_dtype():
    try:
        import numpy as np
    except ImportError:  # pragma: no cover
        return None
    fields = [(name, ctype) for name, ctype in _library.Decision._fields_]
    kinds = {ctypes.c_int32: "<i4", ctypes.c_uint32: "<u4", ctypes.c_float: "<f4", ctypes.c_uint64: "<u8"}
    return np.dtype({
        "names": [name for name, _ in fields],
        "formats": [kinds[ctype] for _, ctype in fields],
        "offsets": [getattr(_library.Decision, name).offset for name, _ in fields],
        "itemsize": ctypes.sizeof(_library.Decision),
    })


DECISION_DTYPE = _decision_dtype()


def in_canary_cohort(device_id: str, salt: str, percent: float) -> bool:
    """Whether ``device_id`` is in the cohort of a rollout: ``fnv1a64(salt + device_id) mod 10000 < percent*100``."""
    return bool(_c().consroute_canary_contains(device_id.encode(), salt.encode(), float(percent)))


def fnv1a64(text: str) -> int:
    """FNV-1a 64 over the UTF-8 bytes of ``text`` (the cohort's hash)."""
    return _c().consroute_fnv1a64(text.encode())


def kernel() -> str:
    """The SIMD path the library routes with ("avx512vnni", "avx512", "avx2", "sse2", "neon", "scalar")."""
    return _c().consroute_kernel().decode()
