"""``python -m cooplab`` is the same as the ``cooplab`` command."""

from cooplab.cli import main

raise SystemExit(main())
