"""Lessons: the dying-ReLU story one claim at a time, each judged by a run trained here."""

import streamlit as st

from reluscope import lessons
from reluscope.config import links
from reluscope.errors import InvalidParameterError
from reluscope.ui import components, lesson_views, services
from reluscope.ui.app import PAGES, PAGES_DIR
from reluscope.ui.sidebar import apply_settings, classroom_lesson, current

OPENED = "reluscope.lesson"  # the lesson "show me" opened in this session


def show_me(item) -> None:
    """Apply the lesson's settings to the sidebar and open it (a button's callback, so it runs
    before the widgets are drawn)."""
    apply_settings(item.settings)
    st.session_state[OPENED] = item.name
    st.query_params[links.LESSON_KEY] = item.name


def close() -> None:
    st.session_state.pop(OPENED, None)
    st.query_params.pop(links.LESSON_KEY, None)
    st.query_params.pop(links.CLASSROOM_KEY, None)


def opened_lesson():
    """The lesson the address bar (``lesson=<name>``) or this session opened, or None; an
    unknown name in a link is said, with the names allowed."""
    query = {key: st.query_params.get_all(key) for key in st.query_params}
    name = links.link_lesson(query) or st.session_state.get(OPENED)
    if name is None:
        return None
    try:
        return lessons.lesson(name)
    except InvalidParameterError as error:
        st.error(f"**This link names no lesson.** {components.escape_markdown(error)}")
        return None


def classroom_link(item) -> str:
    """The address of the lesson's classroom view: this dashboard, the lesson's query and
    ``classroom=1``."""
    base = str(st.context.url or "").split("?")[0]
    return f"{base}?{item.query()}&{links.CLASSROOM_KEY}=1"


def verdict_box(verdict) -> None:
    if verdict.holds:
        st.success(f"**The claim holds in this run.** {verdict.sentence}", icon=":material/check:")
    else:
        st.warning(f"**Not in this run.** {verdict.sentence}", icon=":material/info:")


def lesson_detail(item, index: int) -> None:
    """The opened lesson: its conditions, what the user changed, the verdict, the evidence."""
    choice = current()
    st.caption(f"**Conditions.** {item.conditions}")
    changed = lesson_views.changed_fields(choice.settings, item.settings)
    if changed:
        st.info(
            "You changed the lesson's settings — the verdict below judges **your** run: "
            + "; ".join(changed)
            + ".",
            icon=":material/tune:",
        )
        st.button(
            "Back to the lesson's settings",
            on_click=show_me,
            args=(item,),
            key=f"lesson_reset_{item.name}",
            icon=":material/undo:",
        )
    components.notices(choice)
    comparison, settings, _ = services.comparison(choice)
    with st.spinner("Judging the claim…"):
        verdict = item.judge(comparison)
    verdict_box(verdict)
    lesson_views.draw_evidence(item, comparison, settings)
    title = {file: title for file, title, _ in PAGES}.get(item.page, item.page)
    st.page_link(
        PAGES_DIR / f"{item.page}.py",
        label=f"More on the {title} page (same settings)",
        icon=":material/arrow_forward:",
    )
    with st.expander("Share this lesson", icon=":material/share:"):
        st.markdown(
            "The address bar opens this lesson with its settings and verdict. A **classroom "
            "link** also hides the settings the lesson does not vary, so students see only "
            "what matters here (they can still *show all settings*):"
        )
        st.code(classroom_link(item), language=None, wrap_lines=True)
    later = lessons.LESSONS[index + 1] if index + 1 < len(lessons.LESSONS) else None
    if later is not None:
        st.button(
            f"Next: {later.title}",
            on_click=show_me,
            args=(later,),
            key=f"lesson_next_{item.name}",
            icon=":material/arrow_downward:",
        )


st.title("Lessons")
st.markdown(
    "The dying-ReLU story, one claim at a time. **Show me** puts a lesson's settings into the "
    "sidebar, trains them, and judges the claim *on that run*: change any setting afterwards "
    "and the verdict is computed again — it may honestly say the claim does not hold there."
)
current_lesson = opened_lesson()
in_classroom = classroom_lesson()
for index, item in enumerate(lessons.LESSONS):
    is_open = current_lesson is not None and item.name == current_lesson.name
    if in_classroom is not None and not is_open:
        continue  # a classroom link is about its one lesson
    with st.container(border=True, key=f"lesson_card_{item.name}"):
        head, button = st.columns([5, 1], vertical_alignment="center")
        head.subheader(f"{index + 1}. {item.title}", anchor=item.name)
        if is_open:
            button.button("Close", on_click=close, key=f"lesson_close_{item.name}")
        else:
            button.button(
                "Show me",
                on_click=show_me,
                args=(item,),
                key=f"lesson_show_{item.name}",
                type="primary",
                icon=":material/play_arrow:",
            )
        st.markdown(item.claim)
        if is_open:
            lesson_detail(item, index)
