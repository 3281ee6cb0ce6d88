"""``python -m runbook``: the same command line as ``runbook``."""

from runbook.cli import main

main()
