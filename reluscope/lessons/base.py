"""A lesson: a claim of the story, the settings that show it, and a verdict read from the runs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from reluscope.config import FIELDS, Settings, link_query
from reluscope.config.links import LESSON_KEY
from reluscope.errors import InvalidParameterError

__all__ = ["PAGES", "Lesson", "Verdict"]

# dashboard pages that can show a lesson's evidence (their files in reluscope/ui/pages)
PAGES = ("compare", "units", "derivatives", "gradients", "boundary", "lab")


@dataclass(frozen=True)
class Verdict:
    """Whether a lesson's claim holds in one comparison.

    Attributes
    ----------
    holds : bool
        The claim holds in these runs.
    sentence : str
        A plain sentence with the numbers of these runs; when the claim does not hold it
        says why (a setting that breaks it, an activation that is not compared).
    figures : mapping of str to float
        The numbers behind the sentence (for tests and JSON); may be empty when the runs
        could not be read (e.g. ReLU is not among the activations).
    """

    holds: bool
    sentence: str
    figures: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self):
        # plain Python values, so a verdict goes to JSON as it is (NumPy's bools do not)
        object.__setattr__(self, "holds", bool(self.holds))
        figures = {str(name): float(value) for name, value in self.figures.items()}
        object.__setattr__(self, "figures", figures)


@dataclass(frozen=True)
class Lesson:
    """One claim of the dying-ReLU story, with the settings and the evidence that show it.

    Attributes
    ----------
    name : str
        Slug, the value of the ``lesson`` URL key (e.g. ``"relu-dies-from-bias"``).
    title : str
    claim : str
        One or two plain sentences.
    settings : Settings
        Every field of the settings schema: what "show me" applies.
    page : str
        The dashboard page that shows the evidence, one of :data:`PAGES`.
    view : mapping
        View options for that page (e.g. ``{"layer": 1}``).
    varies : tuple of str
        The settings fields the lesson is about; a classroom link hides the others.
    conditions : str
        When the claim needs conditions (optimiser, seeds, depth), said plainly.
    rule : callable(Comparison) -> Verdict
        Reads the trained runs; it never raises on a comparison trained from other settings.
    """

    name: str
    title: str
    claim: str
    settings: Settings
    page: str
    view: Mapping[str, object]
    varies: tuple[str, ...]
    conditions: str
    rule: Callable[[object], Verdict] = field(repr=False, compare=False)

    def __post_init__(self):
        if self.page not in PAGES:
            raise InvalidParameterError("page", self.page, "one of " + ", ".join(PAGES))
        unknown = [name for name in self.varies if name not in FIELDS]
        if unknown:
            raise InvalidParameterError("varies", unknown, "names of settings fields")

    def judge(self, comparison) -> Verdict:
        """The verdict on ``comparison`` (a :class:`~reluscope.experiment.Comparison`, trained
        from these settings or any others), kept with the comparison once computed: a lesson
        that trains extra runs for its verdict trains them once per comparison."""
        memo = comparison.__dict__.setdefault("_verdict_memo", {})
        if self.name not in memo:
            memo[self.name] = self.rule(comparison)
        return memo[self.name]

    def query(self) -> str:
        """The URL query string that opens the dashboard on this lesson: the settings link
        (:func:`~reluscope.config.link_query`) and ``lesson=<name>``."""
        return urlencode({**link_query(self.settings), LESSON_KEY: self.name}, doseq=True)
