"""The Streamlit dashboard: the only part of reluscope that imports Streamlit.

Layers, top to bottom: ``app.py`` routes (``st.navigation``); ``pages/`` read like scripts
(read the settings, call the core through the cached wrappers, draw charts from
:mod:`reluscope.charts`); :mod:`reluscope.ui.sidebar` draws the settings from
:mod:`reluscope.config` and returns them as a value; :mod:`reluscope.ui.services` caches the
core's work (datasets, training) by validated settings.
"""
