"""evaluate stage: agreement of extracted events with human-coded records (ACLED, GTD, UCDP, PLOVER),
and golden-article matching. ``evaluate_paths`` is the entry point; ``command.evaluate`` the CLI."""

from conflictlog.evaluate.runner import EvalReport, evaluate_paths

__all__ = ["EvalReport", "evaluate_paths"]
