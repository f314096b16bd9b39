"""Allow ``python -m slakit``."""

from slakit._cli import main

raise SystemExit(main())
