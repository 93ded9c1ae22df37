"""One epoch for every page: a transport bar with Play, Pause, Step back, Step forward and a speed.

Every page that shows a state at an epoch (Compare, Units, Derivatives, Decision boundary)
draws it with :func:`player`: the bar sits right above what it animates, in the same form on
every page, and the epoch lives in the URL as ``epoch`` (the older ``units_epoch``,
``derivatives_epoch`` and ``boundary_epoch`` still open it). Play steps through the recorded
history — nothing is retrained — by rerunning only a fragment (``st.fragment(run_every=...)``):
the bar and the page's animated part, never the rest of the page.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from reluscope.config.fields import EPOCH_ALIASES, EPOCH_KEY
from reluscope.config.links import link_epoch
from reluscope.ui.components import escape_markdown

__all__ = [
    "DEFAULT_SPEED",
    "MIN_FRAME_SECONDS",
    "SPEEDS",
    "Frames",
    "frames_for",
    "loss_figure",
    "off_units_figure",
    "player",
    "score_figure",
    "show_spec",
]

SPEEDS = (1, 2, 5, 10, 20, 50)  # epochs per second Play offers
DEFAULT_SPEED = 10
# shortest wait between two Play frames: a frame's round trip to the server and redraw fits
MIN_FRAME_SECONDS = 0.25

SPEED_KEY = "epoch_speed"
_PLAYING = "reluscope.epoch.playing"
_RESTART = "reluscope.epoch.restart"  # a full rerun starts or stops the fragment's timer
_LINK_READ = "reluscope.epoch.link_read"
_FRAME_SECONDS = "reluscope.epoch.frame_seconds"  # how long a frame took to draw, smoothed
_HEADROOM = 1.5  # frames this much longer apart than one takes: timer ticks never pile up
_PLAYED = "reluscope.epoch.played"  # the epochs this Play has shown, to tell echoes from drags
_NOTICE = "reluscope.epoch.notice"  # what reading the link changed, shown until the epoch moves


@dataclass(frozen=True)
class Frames:
    """How Play moves: ``step`` epochs every ``interval`` seconds."""

    interval: float
    step: int


def frames_for(speed: float, frame_seconds: float = 0.0) -> Frames:
    """The frame plan of ``speed`` epochs per second: one epoch a frame while frames can be
    ``1 / speed`` apart, several once that would be shorter than :data:`MIN_FRAME_SECONDS`
    or than a frame takes to draw (``frame_seconds``, with room for the round trip): a slow
    machine shows fewer frames, at the same speed.

    >>> frames_for(2), frames_for(50), frames_for(10, frame_seconds=0.4)
    (Frames(interval=0.5, step=1), Frames(interval=0.25, step=12), Frames(interval=0.6, step=6))
    """
    interval = max(1.0 / float(speed), MIN_FRAME_SECONDS, _HEADROOM * float(frame_seconds))
    interval = round(interval, 2)
    return Frames(interval=interval, step=max(1, round(float(speed) * interval)))


def _set(epoch: int, playing: bool | None = None) -> None:
    state = st.session_state
    state[EPOCH_KEY] = int(epoch)
    if playing is not None:  # the user moved the epoch: a notice about the link is done
        state.pop(_NOTICE, None)
    if playing is not None and playing != state.get(_PLAYING, False):
        state[_PLAYING] = playing
        state[_RESTART] = True


def _current(n_epochs: int) -> int:
    return min(int(st.session_state.get(EPOCH_KEY, n_epochs)), n_epochs)


def _back(n_epochs: int) -> None:
    _set(max(_current(n_epochs) - 1, 0), playing=False)


def _forward(n_epochs: int) -> None:
    _set(min(_current(n_epochs) + 1, n_epochs), playing=False)


def _play_pause(n_epochs: int, play: bool) -> None:
    """Do what the button showed (``play``), not a toggle: a click that reaches the server
    twice, or after a frame already stopped at the end, cannot undo itself."""
    if not play:
        _set(_current(n_epochs), playing=False)
    elif not st.session_state.get(_PLAYING, False):  # from the end, Play starts at epoch 0
        epoch = _current(n_epochs)
        st.session_state[_PLAYED] = set()
        _set(0 if epoch >= n_epochs else epoch, playing=True)


def _dragged() -> None:
    state = st.session_state
    if state.get(_PLAYING, False) and state.get(EPOCH_KEY) in state.get(_PLAYED, ()):
        # the browser echoing an epoch Play set, perhaps one frame late: not a drag
        state[EPOCH_KEY] = max(state[_PLAYED])
        return
    state.pop(_NOTICE, None)
    if state.get(_PLAYING, False):
        state[_PLAYING] = False
        state[_RESTART] = True


def _speed_changed() -> None:
    if st.session_state.get(_PLAYING, False):
        st.session_state[_RESTART] = True  # the timer's interval changes


def _read_link(n_epochs: int) -> str | None:
    """Seed the epoch once a session from a link (``epoch`` or an older per-page key),
    clamped to the epochs trained; a notice when a value had to change (kept until the user
    moves the epoch)."""
    state = st.session_state
    if state.get(_LINK_READ):
        return state.get(_NOTICE)
    state[_LINK_READ] = True
    state[_NOTICE] = _link_notice(n_epochs)
    return state[_NOTICE]


def _link_notice(n_epochs: int) -> str | None:
    """Put the link's epoch into the session; the notice for a value that had to change."""
    state = st.session_state
    query = {key: st.query_params.get_all(key) for key in (EPOCH_KEY, *EPOCH_ALIASES)}
    raw = link_epoch({key: value for key, value in query.items() if value})
    for alias in EPOCH_ALIASES:  # the link now says `epoch`
        if alias in st.query_params:
            del st.query_params[alias]
    if raw is None:
        return None
    text = raw.strip()
    if not text.isdecimal() or len(text) > 9:
        state.pop(EPOCH_KEY, None)
        shown = escape_markdown(text[:20])  # a link's text, shown as written
        return f"epoch: {shown} is not an epoch (0–{n_epochs}); showing the last epoch."
    epoch = int(text)
    _set(min(epoch, n_epochs))
    if epoch > n_epochs:
        return (
            f"epoch: {epoch} is past the last epoch trained ({n_epochs}); showing epoch {n_epochs}."
        )
    return None


def _bar(n_epochs: int, playing: bool) -> int:
    """The transport bar's widgets; returns the epoch it shows."""
    row = st.container(horizontal=True, vertical_alignment="bottom", gap="small")
    args = (n_epochs,)
    row.button(
        "", key="epoch_back", icon=":material/skip_previous:", on_click=_back, args=args,
        help="Step back one epoch", disabled=_current(n_epochs) <= 0,
    )  # fmt: skip
    row.button(
        "", key="epoch_play", icon=":material/pause:" if playing else ":material/play_arrow:",
        on_click=_play_pause, args=(n_epochs, not playing), type="primary",
        help="Pause" if playing else "Play the recorded epochs (nothing is retrained)",
    )  # fmt: skip
    row.button(
        "", key="epoch_forward", icon=":material/skip_next:", on_click=_forward, args=args,
        help="Step forward one epoch", disabled=_current(n_epochs) >= n_epochs,
    )  # fmt: skip
    with row.container(width="stretch"):
        epoch = st.slider(
            "Epoch",
            0,
            n_epochs,
            n_epochs,
            key=EPOCH_KEY,
            bind="query-params",
            on_change=_dragged,
            help="0 is the initialisation, before any update; every page shows this epoch.",
        )
    row.selectbox(
        "Speed",
        SPEEDS,
        index=SPEEDS.index(DEFAULT_SPEED),
        key=SPEED_KEY,
        format_func=lambda speed: f"{speed} epochs/s",
        on_change=_speed_changed,
        width=130,
        label_visibility="collapsed",  # "10 epochs/s" names itself; the bar stays one row
    )
    return min(int(epoch), n_epochs)


def player(n_epochs: int, draw: Callable[[int], None], *, key: str = "epoch_player") -> int:
    """The epoch bar and the page's animated part, in one fragment that Play reruns.

    Parameters
    ----------
    n_epochs : int
        Epochs trained: the bar runs 0..n_epochs (default the last).
    draw : callable(epoch)
        Draws what shows a state at the epoch (unit states, the network, a surface, a
        histogram, cursors on curves). Called on every frame, so it should read cached frames.
    key : str
        The fragment's key.

    Returns
    -------
    int
        The epoch shown after the page's full run.
    """
    state = st.session_state
    notice = _read_link(n_epochs)
    if notice:
        st.warning(notice, icon=":material/warning:")
    if state.get(EPOCH_KEY, 0) > n_epochs:  # a shorter run than the one the epoch was set on
        _set(n_epochs)
    playing = bool(state.get(_PLAYING, False))
    speed = state.get(SPEED_KEY, DEFAULT_SPEED)
    plan = frames_for(speed, state.get(_FRAME_SECONDS, 0.0))
    runs = {"frames": 0}  # the frames this full run's fragment has drawn, itself the first

    def frame() -> None:
        if state.pop(_RESTART, False):
            st.rerun()  # a full run sets the fragment's timer anew
        started = time.perf_counter()
        now_playing = bool(state.get(_PLAYING, False))
        if now_playing:
            epoch = min(_current(n_epochs) + plan.step, n_epochs)
            _set(epoch)
            state[_PLAYED] = {*state.get(_PLAYED, ()), epoch}
            if epoch >= n_epochs:  # the end: stop the timer
                _set(epoch, playing=False)
                now_playing = False
        with st.container(key="epoch_bar"):
            epoch = _bar(n_epochs, now_playing)
        draw(epoch)
        runs["frames"] += 1
        took = time.perf_counter() - started
        if runs["frames"] > 1:  # a fragment's own rerun; the full run's frame builds more
            state[_FRAME_SECONDS] = 0.5 * took + 0.5 * state.get(_FRAME_SECONDS, took)
        if state.pop(_RESTART, False):
            st.rerun()

    st.fragment(frame, run_every=plan.interval if playing else None, key=key)()
    return _current(n_epochs)


# -- what a frame draws: a chart's Vega-Lite spec built once, then only its cursor or data move


def show_spec(spec: dict, compound: bool = False) -> None:
    """Draw a Vega-Lite spec: stretched to the page, or at its own size for panels."""
    st.vega_lite_chart(spec=spec, width="content" if compound else "stretch")


def loss_figure(comparison, log_scale: bool):
    """The loss chart of the comparison, diverged runs marked, prepared with a movable cursor
    (:class:`reluscope.ui.components.PreparedChart`; cache it with ``services.frame``)."""
    from reluscope import charts, frames
    from reluscope.frames.curves import diverged_epochs
    from reluscope.ui import services
    from reluscope.ui.components import prepare_chart

    curves = services.frame(frames.training_curves, comparison)  # the page's own, cached
    loss = frames.log_safe(curves.loss) if log_scale else curves.loss
    diverged = diverged_epochs(curves.summary)
    chart = charts.loss_chart(
        loss, curves.plateaus, log_scale=log_scale, diverged=diverged, cursor=True
    )
    return prepare_chart(chart, "loss")


def score_figure(comparison, y_title: str):
    """The score chart (accuracy or R²) of the comparison, prepared with a movable cursor."""
    from reluscope import charts, frames
    from reluscope.ui import services
    from reluscope.ui.components import prepare_chart

    curves = services.frame(frames.training_curves, comparison)
    chart = charts.loss_chart(curves.score, metric="score", y_title=y_title, cursor=True)
    return prepare_chart(chart, "score")


def off_units_figure(comparison):
    """The off-units chart of :func:`reluscope.frames.recovery_curves`, prepared with a cursor."""
    from reluscope import charts, frames
    from reluscope.ui import services
    from reluscope.ui.components import prepare_chart

    recovery = services.frame(frames.recovery_curves, comparison)
    return prepare_chart(charts.off_units_chart(recovery, cursor=True), "off_units")
