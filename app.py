"""reluscope's dashboard from a checkout: ``streamlit run app.py``.

The dashboard lives inside the package (:mod:`reluscope.ui.app`), so it also runs from an
installed wheel (``reluscope ui``). ``streamlit run`` finds the ``st.App`` below and imports
this file to serve it: the server warms up (:mod:`reluscope.ui.warm`) before it takes visitors,
then runs this file as each session's script, as ``__main__`` (as ``AppTest`` does).
"""

import streamlit as st

from reluscope.ui.app import main
from reluscope.ui.warm import lifespan

if __name__ == "__main__":  # a session's run
    main()
else:  # imported by `streamlit run`, which serves the App
    app = st.App(__file__, lifespan=lifespan)
