"""Sub-commands of the ``reluscope`` console script (see ``reluscope.cli``)."""
