"""`python -m vidrec_core`: the command line (vidrec_core.cli.main), the same as the `vidrec` command."""

from vidrec_core.cli.main import main

raise SystemExit(main())
