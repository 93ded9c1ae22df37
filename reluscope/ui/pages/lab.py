"""Lab: the dying-ReLU results of the literature, measured here with the theory drawn over them."""

import streamlit as st

from reluscope import charts, frames
from reluscope.config import CAPS
from reluscope.ui import components, lab_services
from reluscope.ui.services import USER_ERRORS

LIVE_REQUEST = "reluscope.lab.live_sweep"  # session-state key of the last valid live sweep
# a missing or unreadable shipped table is an OSError; the core's errors name the bad field
LAB_ERRORS = (*USER_ERRORS, OSError)

st.title("Lab: why ReLUs die")
st.markdown(
    "Each section below reproduces a result about **dying ReLUs** and draws the closed form "
    "over the measurement where the literature gives one. A ReLU unit whose pre-activation is "
    "≤ 0 on every training input outputs 0, gets zero gradient and stops learning: it is "
    "**dead**. These experiments have their own controls; the sidebar's settings belong to the "
    "other pages."
)


def _failed(what: str, error: Exception) -> None:
    st.error(f"**{what}** {error}", icon=":material/error:")


# --- phase diagram ----------------------------------------------------------------------------


def _phase_chart(runs, value: str, key: str) -> None:
    # the cells leave diverged runs out of their means; the note says which
    cells = frames.phase_cells(runs, value)
    # panels in the sweep's order, as its caption lists the activations
    order = list(dict.fromkeys(runs["activation"]))
    components.show_chart(charts.phase_diagram_chart(cells, value, order=order), key=key)
    note = frames.diverged_note(runs)
    if note:
        st.caption(note)


def _live_sweep_form() -> lab_services.LiveSweep | None:
    """The form; returns the sweep to show (the one just submitted or the last valid one)."""
    form = lab_services.live_sweep_form()
    with st.form("lab_sweep_form"):
        activations = st.multiselect(
            "Activations",
            form.activation_options,
            default=list(form.activations),
            max_selections=form.max_activations,
            key="lab_sweep_activations",
        )
        columns = st.columns(2)
        bias_offsets = columns[0].text_input(
            "Bias offsets",
            form.bias_offsets,
            max_chars=200,
            key="lab_sweep_bias_offsets",
            help="Numbers separated by commas, added to every hidden bias at initialisation.",
        )
        learning_rates = columns[1].text_input(
            "Learning rates",
            form.learning_rates,
            max_chars=200,
            key="lab_sweep_learning_rates",
            help="Numbers separated by commas.",
        )
        n_seeds = columns[0].number_input(
            "Seeds", *form.n_seeds, key="lab_sweep_seeds", help="Seeds 0, 1, … per cell."
        )
        epochs = columns[1].number_input("Epochs", *form.epochs, key="lab_sweep_epochs")
        submitted = st.form_submit_button("Run sweep", icon=":material/play_arrow:")
    st.caption(
        f"At most {CAPS.max_sweep_runs} runs (activations × bias offsets × learning rates × "
        f"seeds) and {CAPS.max_sweep_run_epochs} runs × epochs in this demo; each run trains "
        f"the shipped sweep's network ({lab_services.LIVE_SWEEP_HIDDEN_LAYERS}, SGD with momentum "
        f"{frames.SHIPPED_MOMENTUM['sweep']:g}, batch "
        f"{frames.LIVE_SWEEP_DATA['batch_size']}) on the same moons data."
    )
    if submitted:
        try:
            st.session_state[LIVE_REQUEST] = lab_services.live_sweep_request(
                activations, bias_offsets, learning_rates, n_seeds, epochs
            )
        except LAB_ERRORS as error:
            st.session_state.pop(LIVE_REQUEST, None)
            _failed("The sweep was not run.", error)
    return st.session_state.get(LIVE_REQUEST)


@st.fragment
def phase_section() -> None:
    """The shipped phase diagram and the live sweep; the toggle redraws this section only."""
    st.header("Phase diagram: bias offset × learning rate")
    st.markdown(
        "Each cell trains a small network on the moons data from He-normal weights with every "
        "hidden bias shifted by the *bias offset*, and reports the share of hidden units dead "
        "on the whole training set after training (mean over seeds; hover for the 95 % "
        "interval). A negative offset kills ReLU units at birth; a large learning rate kills "
        "them during training — the CS231n notes warn that “as much as 40 % of your network "
        "can be dead if the learning rate is set too high”. A leaky unit is never dead in this "
        "sense (its slope is never zero); a tanh or sigmoid unit only when it saturates so far "
        "that f′ rounds to exactly 0 in floating point, which a very large learning rate can "
        "do to tanh units. Choose *inactive* to count units whose pre-activation is ≤ 0 on "
        "every input instead: leaky units pushed there still learn, and its panel shows "
        "whether they came back."
    )
    columns = st.columns(2, vertical_alignment="center")
    show_loss = columns[1].toggle(
        "Show the final training loss instead",
        key="lab_phase_loss",
        help="Diverged runs are left out of both.",
    )
    share = columns[0].segmented_control(
        "Share of units",
        list(frames.PHASE_SHARES),
        default="dead",
        required=True,
        key="lab_phase_share",
        disabled=show_loss,
        help="dead: zero gradient on every training input; inactive: pre-activation ≤ 0 on "
        "every training input (a leaky unit there still learns).",
    )
    value = frames.phase_value(share, final_loss=show_loss)
    try:
        runs = lab_services.precomputed("sweep")
        caption = frames.describe_sweep(runs, frames.SHIPPED_MOMENTUM["sweep"])
        st.caption(f"Precomputed default sweep — {caption} (regenerate: see data/README.md)")
        _phase_chart(runs, value, key="lab_phase_chart")
    except LAB_ERRORS as error:
        _failed("The precomputed sweep could not be shown.", error)

    with st.expander("Run a small live sweep", icon=":material/tune:", key="lab_sweep_expander"):
        request = _live_sweep_form()
        if request is not None:
            try:
                live = lab_services.live_sweep(request)
                caption = frames.describe_sweep(live, frames.SHIPPED_MOMENTUM["sweep"])
                st.caption(f"Live sweep — {caption}")
                _phase_chart(live, value, key="lab_live_chart")
            except LAB_ERRORS as error:
                _failed("The sweep failed.", error)


phase_section()


# --- born dead --------------------------------------------------------------------------------

_INPUTS = {"one point": False, f"{frames.DATA_POINTS} uniform points": True}


@st.fragment
def born_dead_section() -> None:
    st.header("Born dead: deep, narrow ReLU networks collapse at initialisation")
    st.markdown(
        "With zero biases and symmetric weights, each unit of a layer is zero at a given input "
        "with probability ½, so a layer of N units is all zero with probability 2^−N — and once "
        "a layer is all zero, the network's output is a constant and no gradient reaches the "
        "layers below. Lu, Shin, Su & Karniadakis (2020, arXiv:1903.06733) derive "
        "P(born dead) = 1 − ∏ₗ (1 − 2^−Nₗ) at one input: the dashed curves. The points draw "
        "He-normal networks and count those whose output is constant (95 % Wilson intervals). "
        "On a whole data set the event is rarer, so there the formula is an upper bound."
    )
    columns = st.columns(3)
    inputs = columns[0].segmented_control(
        "Inputs", list(_INPUTS), default="one point", required=True, key="lab_born_inputs"
    )
    n_trials = columns[1].select_slider(
        "Networks per point", lab_services.TRIALS, value=500, key="lab_born_trials"
    )
    widths = columns[2].multiselect(
        "Widths",
        lab_services.BORN_DEAD_WIDTHS,
        default=list(lab_services.BORN_DEAD_WIDTHS),
        key="lab_born_widths",
    )
    if not widths:
        st.warning("Pick at least one width.", icon=":material/warning:")
        return
    try:
        measured, theory = lab_services.born_dead_frames(
            tuple(sorted(widths)), n_trials, _INPUTS[inputs]
        )
        components.show_chart(charts.born_dead_chart(measured, theory), key="lab_born_chart")
    except LAB_ERRORS as error:
        _failed("The Monte-Carlo estimate failed.", error)
        return
    st.caption(
        f"Depth 1 … {frames.MAX_DEPTH} hidden layers of equal width; {n_trials} networks "
        "per point, each point from its own seed."
    )


born_dead_section()


# --- bias kill --------------------------------------------------------------------------------


@st.fragment
def bias_kill_section() -> None:
    st.header("Bias-offset kill: a negative bias kills first-layer units at birth")
    st.markdown(
        "A first-layer ReLU unit is dead on the data iff its bias b ≤ −maxₓ w·x. For inputs on "
        "a circle of radius R and weights w ~ N(0, σ²I) — He-normal (He et al. 2015) on two "
        "inputs has σ = 1 — ‖w‖ is Rayleigh-distributed and P(dead) = 1 − exp(−b²/(2R²σ²)) "
        "(dashed; at R = σ = 1: b = −1 → 0.393, −2 → 0.865, −3 → 0.989). The points are the "
        "share of sampled units dead on 360 points of the circle. Under plain gradient descent "
        "such a unit gets exactly zero gradient and stays dead for good."
    )
    columns = st.columns(2)
    n_units = columns[0].select_slider(
        "Units sampled per bias", lab_services.UNITS, value=1000, key="lab_kill_units"
    )
    radius = columns[1].select_slider(
        "Radius R of the input circle",
        lab_services.RADII,
        value=1.0,
        format_func="{:g}".format,
        key="lab_kill_radius",
    )
    try:
        measured, theory = lab_services.bias_kill_frames(n_units, radius)
        points = frames.bias_kill_points(measured)
        components.show_chart(charts.bias_kill_chart(points, theory), key="lab_kill_chart")
    except LAB_ERRORS as error:
        _failed("The estimate failed.", error)
        return
    st.caption(
        "The same weights at every bias, so the measured curve is monotone; only b/(Rσ) "
        "matters — double the radius and the same bias kills far fewer units."
    )


bias_kill_section()


# --- recovery ---------------------------------------------------------------------------------

st.header("Recovery needs more than a leak")
st.markdown(
    "A strongly negative bias offset leaves most units of a layer **inactive** at birth "
    "(pre-activation ≤ 0 on every input). A ReLU unit there is dead: exactly zero gradient. A "
    "leaky unit still gets a gradient scaled by its slope α (Maas, Hannun & Ng 2013 use "
    "α = 0.01) — but does it come back? The bars show the share of born-inactive units that "
    "are active again at the end of training, by activation, slope and optimiser (mean over "
    "seeds, 95 % interval)."
)
try:
    recovery = frames.recovery_frames(lab_services.precomputed("recovery"))
    st.markdown(frames.recovery_finding(recovery.table))
    components.show_chart(charts.recovery_chart(recovery.bars), key="lab_recovery_chart")
    caption = frames.describe_sweep(recovery.runs, frames.SHIPPED_MOMENTUM["recovery"])
    st.caption(f"Precomputed — {caption} (regenerate: see data/README.md)")
except LAB_ERRORS as error:
    _failed("The precomputed recovery table could not be shown.", error)
