"""The sentences Compare writes about a comparison: what its runs show, with their numbers.

Nothing here is a fixed promise: each sentence is computed from the trained runs (units off
on every input at initialisation and after training, those that came back, those that died on
the way), so a change of setting changes the text, and a run where nothing dies says so.
"""

from __future__ import annotations

import numpy as np

from reluscope.frames.curves import off_state_of

__all__ = ["compare_findings", "off_counts"]

# how each kind of *off* is said: at initialisation, and still so after training
_PHRASES = {
    "dead": ("born dead", "dead"),
    "inactive": ("inactive on every input at initialisation", "inactive"),
    "saturated": ("saturated on every input at initialisation", "saturated"),
}


def off_counts(comparison) -> dict[str, dict[str, float]]:
    """Per activation, hidden-unit counts of *off* units, means over seeds.

    Parameters
    ----------
    comparison : reluscope.experiment.Comparison

    Returns
    -------
    dict
        activation → ``units`` (hidden units of one network), ``born_off`` (off at epoch 0),
        ``final_off`` (off after the last epoch), ``recovered`` (off at epoch 0 and not at the
        last, :meth:`reluscope.history.History.recovered`), ``deaths`` (alive → dead events),
        ``epochs`` (epochs trained); each the mean over the comparison's seeds.
    """
    counts: dict[str, dict[str, float]] = {}
    for activation in comparison.activations:
        rows = []
        for seed in comparison.seeds:
            history = comparison.runs[(activation, seed)].history
            off = history.off()  # (n_epochs + 1, units)
            deaths, _ = history.unit_events()
            rows.append(
                (
                    off.shape[1],
                    off[0].sum(),
                    off[-1].sum(),
                    history.recovered().sum(),
                    np.sum(deaths),
                    history.n_epochs,
                )
            )
        means = np.mean(np.asarray(rows, dtype=float), axis=0)
        keys = ("units", "born_off", "final_off", "recovered", "deaths", "epochs")
        counts[activation] = dict(zip(keys, means.tolist(), strict=True))
    return counts


def _n(value: float) -> str:
    """A count, or a mean over seeds with one decimal."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _finding(activation: str, c: dict[str, float]) -> str | None:
    state = off_state_of(activation)
    if state not in _PHRASES:
        return None
    born_phrase, final_phrase = _PHRASES[state]
    units, born, final = _n(c["units"]), c["born_off"], c["final_off"]
    after = f"after {_n(c['epochs'])} epochs"
    name = f"**{activation}**"
    if born == 0 and final == 0:
        return f"{name}: no unit is {final_phrase} on every input, at initialisation or {after}."
    were = "was" if born == 1 else "were"
    text = f"{name}: {_n(born)} of {units} hidden units {were} {born_phrase}; {_n(final)} "
    text += f"{'is' if final == 1 else 'are'} {final_phrase} {after}"
    if born > 0:
        text += " — none came back" if c["recovered"] == 0 else f" — {_n(c['recovered'])} came back"
    if state == "dead" and c["deaths"] > 0:
        text += f"; {_n(c['deaths'])} died during training"
    return text + "."


def compare_findings(comparison) -> list[str]:
    """One sentence per compared activation that has an *off* side, with this run's numbers.

    Parameters
    ----------
    comparison : reluscope.experiment.Comparison

    Returns
    -------
    list of str
        Markdown sentences, in the comparison's order (identity, which has no off side, says
        nothing), then one naming the activations whose runs end stuck on a plateau
        (``Comparison.summary()``'s ``stuck``); with several seeds the counts are means over
        them and a last sentence says so.
    """
    counts = off_counts(comparison)
    sentences = [s for a, c in counts.items() if (s := _finding(a, c)) is not None]
    summary = comparison.summary()
    if "stuck" in summary:
        stuck = summary.loc[summary["stuck"] > 0, "activation"].tolist()
        if stuck:
            names = ", ".join(f"**{name}**" for name in stuck)
            where = "in some seeds " if len(comparison.seeds) > 1 else ""
            sentences.append(
                f"Training of {names} ends {where}stuck on a plateau: the loss stopped falling "
                "while still high (shaded on the loss chart)."
            )
    if len(comparison.seeds) > 1 and sentences:
        sentences.append(f"Counts are means over {len(comparison.seeds)} seeds.")
    return sentences
