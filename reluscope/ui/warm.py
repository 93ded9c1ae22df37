"""The server's warm-up: one visit of the home page, with no browser, before the first visitor.

``streamlit run`` serves the dashboard through an ``st.App`` whose lifespan is :func:`lifespan`
(the root ``app.py`` and ``reluscope/ui/app.py`` define it), and Starlette answers no request,
not even ``/_stcore/health``, until the lifespan's start-up has run. The start-up opens a
session of the server's own runtime and runs the dashboard in it as a link without settings
does (:func:`visit`): the same script, so the same imports, the same default comparison trained
into the same stores under the same keys, and the same frames and chart specs kept with it. The
first visitor's run then only draws. A warm-up that fails is logged, one that outlasts
:data:`WARM_UP_TIMEOUT` is stopped: the server starts either way. A signal that stops the
server during the warm-up takes effect once it ends.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from streamlit.logger import get_logger
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

__all__ = ["WARM_UP_TIMEOUT", "HomePageError", "RunWatcher", "lifespan", "visit"]

# seconds the server waits for the warm-up before it takes visitors anyway
WARM_UP_TIMEOUT = 30.0

_LOGGER = get_logger(__name__)


class HomePageError(RuntimeError):
    """The warm-up's run of the home page showed an exception or an error message."""


class RunWatcher:
    """A session client with no browser: it records the exceptions and error messages a run
    shows and sets :attr:`finished` when a run ends (one ended early for a rerun goes on)."""

    def __init__(self) -> None:
        self.finished = asyncio.Event()
        self.errors: list[str] = []

    @property
    def client_context(self) -> None:
        return None  # no request: no headers, cookies or address

    def write_forward_msg(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        element = msg.delta.new_element
        if kind == "delta" and element.WhichOneof("type") == "exception":
            self.errors.append(f"{element.exception.type}: {element.exception.message}")
        elif kind == "delta" and element.WhichOneof("type") == "alert":
            if element.alert.format == Alert.ERROR:
                self.errors.append(element.alert.body)
        elif kind == "script_finished":
            if msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                self.finished.set()


async def visit(runtime, query_string: str = "") -> None:
    """Run the app in a new session of ``runtime`` as a browser opening ``?query_string``
    would, wait for the run to end and close the session (also when cancelled).

    Raises
    ------
    HomePageError
        When the run showed an exception or an error message.
    """
    watcher = RunWatcher()
    session_id = runtime.connect_session(client=watcher, user_info={})
    try:
        runtime.handle_backmsg(
            session_id, BackMsg(rerun_script=ClientState(query_string=query_string))
        )
        await watcher.finished.wait()
    finally:
        runtime.close_session(session_id)
    if watcher.errors:
        raise HomePageError("; ".join(watcher.errors))


@asynccontextmanager
async def lifespan(app) -> AsyncIterator[None]:
    """An ``st.App`` lifespan: :func:`visit` the home page before the server takes requests,
    at most :data:`WARM_UP_TIMEOUT` seconds of it."""
    from streamlit.runtime import Runtime

    started = time.perf_counter()
    try:
        await asyncio.wait_for(visit(Runtime.instance()), WARM_UP_TIMEOUT)
    except TimeoutError:
        _LOGGER.warning("Warm-up stopped after %.0f s; serving now", WARM_UP_TIMEOUT)
    except Exception:  # the server starts anyway; the first visitor's run does the work
        _LOGGER.exception("Warm-up failed; serving without it")
    else:
        _LOGGER.info("Warmed up in %.2f s: the home page is drawn", time.perf_counter() - started)
    yield
