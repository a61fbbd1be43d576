"""Benchmarks: `make bench` (python -m bench). Figures, not gates: machines are noisy."""
