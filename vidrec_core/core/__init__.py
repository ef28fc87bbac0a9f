"""The room every other one may use: errors, paths, settings, atomic writes, vector helpers, progress, exports."""
