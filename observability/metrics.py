"""What every process's metrics share: the latency buckets (seconds, from 1 ms to 10 s, so one
dashboard query reads every service's histograms alike)."""

from __future__ import annotations

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
