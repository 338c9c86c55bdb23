"""`python -m cets_desktop` — same as the `cets-desktop` command."""

from .cli import main

raise SystemExit(main())
