"""The command line (`vidrec` or `python -m vidrec_core`): one module per command group, shared options, and the
generator of docs/cli.md."""
