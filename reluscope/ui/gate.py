"""The server's admission control: how many trainings run at once, and who waits.

Streamlit runs every session in a thread of one server process, so without a bound every
visitor's training would run at once, each holding its working memory. :func:`training_gate`
is the process's one :class:`TrainingGate`: trainings (``services.training``) and the Lab's
live sweeps hold one of its :func:`training_slots` slots while they run; a session beyond them
waits, showing "Waiting for a free training slot (N running)…", and a session asking for what
another is training waits for that result. Cached results are looked up before the gate and
never wait.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Hashable
from contextlib import contextmanager

import streamlit as st

from reluscope.validation import check_integer

__all__ = ["MAX_SLOTS", "SLOTS_VARIABLE", "TrainingGate", "training_gate", "training_slots"]

SLOTS_VARIABLE = "RELUSCOPE_TRAINING_SLOTS"
"""The environment variable that sets how many trainings (and Lab sweeps) run at once."""
MAX_SLOTS = 256
# seconds between two updates of a waiting session's message (each lets Streamlit stop it)
WAIT_POLL = 0.5


def training_slots() -> int:
    """How many trainings may run at once: ``RELUSCOPE_TRAINING_SLOTS``, else one per core.

    Raises
    ------
    InvalidParameterError
        When the variable is set to anything but a whole number in [1, 256].
    """
    raw = os.environ.get(SLOTS_VARIABLE, "").strip()
    if not raw:
        cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
        return len(cores) if cores else os.cpu_count() or 1
    allowed = f"a whole number of simultaneous trainings in [1, {MAX_SLOTS}]"
    return check_integer(SLOTS_VARIABLE, raw, 1, MAX_SLOTS, allowed=allowed)


class TrainingGate:
    """At most ``slots`` trainings at once in this process, and one per key.

    Sessions run in threads of one server process; each training holds a slot
    (:meth:`slot`) while it runs, so the memory and cores trainings take are bounded whatever
    the number of visitors. :meth:`once` also makes a session that asks for what another
    session is training wait for that result instead of training it again.

    Parameters
    ----------
    slots : int
        Trainings that may run at the same time.
    """

    def __init__(self, slots: int) -> None:
        self.slots = int(slots)
        self.running = 0
        self.waiting = 0
        self._free = threading.BoundedSemaphore(self.slots)
        self._lock = threading.Lock()
        self._flights: dict[Hashable, threading.Event] = {}

    @contextmanager
    def slot(self, on_wait: Callable[[str], None] | None = None, poll: float = WAIT_POLL):
        """Hold a slot for the ``with`` block, waiting for one if all are taken.

        ``on_wait(message)`` is called every ``poll`` seconds of the wait with the text to
        show ("Waiting for a free training slot (2 running)…"); an exception it raises (a
        session stopped by its user) ends the wait without taking a slot.
        """
        if not self._free.acquire(blocking=False):
            with self._lock:
                self.waiting += 1
            try:
                started = time.monotonic()
                while True:
                    if on_wait is not None:
                        on_wait(self._wait_message(time.monotonic() - started))
                    if self._free.acquire(timeout=poll):
                        break
            finally:
                with self._lock:
                    self.waiting -= 1
        with self._lock:
            self.running += 1
        try:
            yield
        finally:
            with self._lock:
                self.running -= 1
            self._free.release()

    def _wait_message(self, seconds: float) -> str:
        others = self.waiting - 1
        queue = f", {others} more waiting" if others > 0 else ""
        return (
            f"Waiting for a free training slot ({self.running} running{queue})… {seconds:.0f} s. "
            f"This server runs at most {self.slots} training{'s' if self.slots > 1 else ''} at a "
            "time; cached results never wait."
        )

    def once(
        self,
        key: Hashable,
        build: Callable[[], object],
        lookup: Callable[[], object],
        on_wait: Callable[[str], None] | None = None,
        poll: float = WAIT_POLL,
    ):
        """``build()`` in a slot, unless another thread is building ``key``: then its result.

        The other thread's result is read with ``lookup()`` once it is done; when that gives
        ``None`` (the result was not kept, or its training failed) this thread builds it.
        """
        while True:
            with self._lock:
                flight = self._flights.get(key)
                if flight is None:
                    flight = self._flights[key] = threading.Event()
                    break
            started = time.monotonic()
            while not flight.wait(poll if on_wait is not None else None):
                on_wait(
                    "Waiting for the same training, started by another session… "
                    f"{time.monotonic() - started:.0f} s."
                )
            result = lookup()
            if result is not None:
                return result
        try:
            with self.slot(on_wait, poll):
                return build()
        finally:
            with self._lock:
                del self._flights[key]
            flight.set()


@st.cache_resource(show_spinner=False)
def training_gate() -> TrainingGate:
    """The server's one :class:`TrainingGate`, of :func:`training_slots` slots."""
    return TrainingGate(training_slots())
