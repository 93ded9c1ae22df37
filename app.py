"""reluscope's dashboard from a checkout: ``streamlit run app.py``.

The dashboard lives inside the package (:mod:`reluscope.ui.app`), so it also runs from an
installed wheel (``reluscope ui``).
"""

from reluscope.ui.app import main

main()
