"""The Streamlit dashboard: the only part of reluscope that imports Streamlit.

Layers, top to bottom: :mod:`reluscope.ui.app` is the entry point (``st.navigation`` over the
page files beside it; the checkout's root ``app.py`` and ``reluscope ui`` both run it);
``pages/`` read like scripts (read the settings, call the core through the cached services,
draw charts from :mod:`reluscope.charts`); :mod:`reluscope.ui.sidebar` draws the settings from
:mod:`reluscope.config` and returns them as a value; :mod:`reluscope.ui.services` keeps the
core's work (datasets, trained comparisons and the frames drawn from them) in byte-bounded
stores of live objects, keyed by validated settings.
"""
