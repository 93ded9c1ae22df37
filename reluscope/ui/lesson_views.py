"""What the Lessons page draws for an opened lesson: its evidence charts, from the same frames
and charts as the page the lesson names, and the settings the user changed since "show me".

Each evidence view takes the trained comparison and the lesson's view options (``layer``,
``activation``, ``seed``, ``epoch``, ``value``) and draws through ``services`` → ``frames`` →
``charts``, as the full pages do; the lesson's page is one click away for the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st

from reluscope import charts, frames
from reluscope.config import FIELDS, Settings
from reluscope.ui import components, services

__all__ = ["EVIDENCE", "changed_fields", "draw_evidence"]


def _layer(view: Mapping, comparison) -> int:
    return min(max(int(view.get("layer", 1)), 1), len(comparison.config.hidden_layers))


def _activation(view: Mapping, comparison) -> str:
    wanted = view.get("activation")
    return wanted if wanted in comparison.activations else comparison.activations[0]


def _epoch(view: Mapping, comparison) -> int:
    return min(max(int(view.get("epoch", comparison.n_epochs)), 0), comparison.n_epochs)


def _compare(comparison, view, settings) -> None:
    curves = services.frame(frames.training_curves, comparison)
    st.markdown("**Training loss** (shaded: plateaus)")
    components.show_chart(charts.loss_chart(curves.loss, curves.plateaus))
    st.markdown("**Units off on every input (solid) and dead (dashed), per hidden layer**")
    components.show_chart(
        charts.off_units_chart(services.frame(frames.recovery_curves, comparison))
    )


def _units(comparison, view, settings) -> None:
    activation, layer = _activation(view, comparison), _layer(view, comparison)
    seed = view.get("seed", comparison.seeds[0])
    seed = seed if seed in comparison.seeds else comparison.seeds[0]
    in_layer = services.frame(frames.run_units, comparison, activation, seed, layer)
    st.markdown(f"**{activation}, hidden layer {layer}: unit states over epochs**")
    components.show_chart(charts.unit_timeline_chart(frames.unit_timeline(in_layer)))
    events = frames.event_counts(comparison.layers(), layer=layer)
    if events.empty:  # an empty chart would say nothing: say it
        st.markdown(f"**No unit of hidden layer {layer} died or came back during training.**")
        return
    st.markdown("**Deaths (down) and recoveries (up) per epoch**")
    components.show_chart(charts.events_chart(events, comparison.n_epochs))


def _derivatives(comparison, view, settings) -> None:
    slope = settings.negative_slope
    frame = frames.activation_curves_frame(list(comparison.activations), negative_slope=slope)
    st.markdown("**f and f′ of the compared activations**")
    components.show_chart(
        charts.activation_curves_chart(frame, negative_slopes=frames.flat_negative_slopes(frame))
    )
    layer, epoch = _layer(view, comparison), _epoch(view, comparison)
    z = services.frame(frames.preactivations, comparison, comparison.seeds[0], layer, epoch)
    st.markdown(f"**Pre-activations of hidden layer {layer} at epoch {epoch}**")
    components.show_chart(
        charts.preactivation_histogram(frames.preactivation_bins(z, negative_slope=slope))
    )


def _gradients(comparison, view, settings) -> None:
    st.markdown("**Gradient norm per hidden layer (log scale)**")
    grad_norm = services.frame(frames.training_curves, comparison).grad_norm
    components.show_chart(charts.grad_norm_chart(grad_norm))


def _boundary(comparison, view, settings) -> None:
    train = comparison.train
    if train.n_features != 2 or train.task != "classification":
        st.info("The decision boundary needs 2-D classification data; pick moons, say.")
        return
    epoch = _epoch(view, comparison)
    surface = services.frame(frames.decision_surface, comparison, comparison.seeds[0], epoch, 1)
    st.markdown(
        f"**Decision boundary at epoch {epoch}** (thick, dark and dashed: dead first-layer units)"
    )
    components.show_chart(charts.decision_boundary_chart(surface))


def _lab(comparison, view, settings) -> None:
    from reluscope.ui import lab_services

    value = frames.phase_value(view.get("share", "dead"), final_loss=bool(view.get("loss")))
    runs = lab_services.precomputed("sweep")
    st.markdown("**Phase diagram of the shipped sweep: bias offset × learning rate**")
    components.show_chart(charts.phase_diagram_chart(frames.phase_cells(runs, value), value))
    _compare(comparison, view, settings)


EVIDENCE: dict[str, Callable] = {
    "compare": _compare,
    "units": _units,
    "derivatives": _derivatives,
    "gradients": _gradients,
    "boundary": _boundary,
    "lab": _lab,
}
"""Lesson page (:data:`reluscope.lessons.PAGES`) → what its evidence draws."""


def draw_evidence(lesson, comparison, settings: Settings) -> None:
    """The evidence charts of ``lesson`` from ``comparison``, trained from ``settings`` (the
    sidebar's), as the lesson's page draws them."""
    EVIDENCE.get(lesson.page, _compare)(comparison, lesson.view, settings)


def changed_fields(settings: Settings, lesson_settings: Settings) -> list[str]:
    """One Markdown phrase per field where ``settings`` differs from the lesson's, in the
    sidebar's order, e.g. ``bias offset: -1 (lesson: -2)``."""
    phrases = []
    for name, f in FIELDS.items():
        mine, theirs = getattr(settings, name), getattr(lesson_settings, name)
        if mine != theirs:
            label = components.escape_markdown(f.label.lower())
            phrases.append(f"{label}: `{f.format(mine)}` (lesson: `{f.format(theirs)}`)")
    return phrases
