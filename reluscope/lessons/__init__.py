"""The dying-ReLU story as lessons: each claim with the settings that show it and a verdict.

A :class:`Lesson` declares a claim in plain words, settings for every field of the schema (so
it is also a shareable link, :meth:`Lesson.query`), the dashboard page and view that show the
evidence, the fields it is about (``varies``: a classroom link hides the others) and, said
honestly, the conditions the claim needs. Its verdict (:meth:`Lesson.judge`) reads a trained
:class:`~reluscope.experiment.Comparison` — from the lesson's settings or any others the user
chose afterwards — and returns a :class:`Verdict`: whether the claim holds in these runs and
a sentence with their numbers, or why it does not. A claim about what *usually* happens trains
the few extra runs it needs (more seeds, a small grid) inside its verdict, deterministically.

:data:`LESSONS` lists them in story order; :func:`run_lesson` trains one and judges it. The
core never imports Streamlit; importing this package loads no pandas or scikit-learn.

>>> [item.name for item in LESSONS][:2]
['relu-gradient-one-sided', 'dead-units-get-no-gradient']
>>> lesson("relu-dies-from-bias").page
'compare'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from reluscope.config import Settings, cap_work
from reluscope.errors import DatasetError, InvalidParameterError
from reluscope.lessons.base import PAGES, Lesson, Verdict
from reluscope.lessons.dying import DYING
from reluscope.lessons.function import FUNCTION
from reluscope.lessons.recovery import RECOVERY
from reluscope.lessons.saturation import SATURATION

__all__ = ["LESSONS", "PAGES", "Lesson", "Verdict", "lesson", "run_lesson"]

LESSONS: tuple[Lesson, ...] = (*FUNCTION, *DYING, *SATURATION, *RECOVERY)
"""Every lesson, in the order of the story."""

_BY_NAME = {item.name: item for item in LESSONS}


def lesson(name: str) -> Lesson:
    """The lesson called ``name``; an unknown name raises
    :class:`~reluscope.errors.InvalidParameterError` listing the names."""
    try:
        return _BY_NAME[name]
    except (KeyError, TypeError):
        raise InvalidParameterError("lesson", name, "one of " + ", ".join(_BY_NAME)) from None


def run_lesson(
    item: Lesson | str,
    settings: Settings | None = None,
    progress: Callable[[float], None] | None = None,
):
    """Train a lesson's comparison as the dashboard does, and judge it.

    Parameters
    ----------
    item : Lesson or str
        The lesson, or its name.
    settings : Settings, optional
        Other settings to judge the claim under (default: the lesson's own).
    progress : callable(float), optional
        Receives the fraction of training done, 0..1.

    Returns
    -------
    comparison : Comparison
    verdict : Verdict

    Raises
    ------
    DatasetError
        For the ``upload`` dataset, which only the dashboard can read.
    """
    from reluscope.config import UPLOAD
    from reluscope.datasets import from_choice
    from reluscope.experiment import compare

    item = lesson(item) if isinstance(item, str) else item
    settings = item.settings if settings is None else settings
    if settings.dataset == UPLOAD:
        raise DatasetError(
            "a lesson trains on a generated or bundled dataset; an upload is read by the "
            "dashboard only",
            value=UPLOAD,
        )
    data = from_choice(settings.dataset, settings.n_samples, settings.noise, settings.seed)
    outputs = data.n_classes if data.task == "classification" and data.n_classes > 2 else 1
    # the compute caps count the data actually loaded, as the dashboard does
    capped, _ = cap_work(replace(settings, n_samples=data.n_samples), data.n_features, outputs)
    settings = replace(settings, epochs=capped.epochs)
    comparison = compare(data, progress=progress, **settings.run_arguments())
    return comparison, item.judge(comparison)
