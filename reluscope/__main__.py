"""``python -m reluscope`` is the ``reluscope`` command."""

from reluscope.cli import main

raise SystemExit(main())
