"""Offline evaluation: the leave-last-out split, the scorers compared, the metrics with intervals, the run and its
cache, and the report."""
