"""``python -m conflictlog`` runs the command line."""

from conflictlog.cli import main

main()
