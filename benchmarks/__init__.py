"""slakit's benchmark harness: the standard workloads, timed against numpy and the usual tools.

Run it with ``python -m benchmarks [--quick] [--json] [--only W1,W3] [--repeat N]`` or
``nox -s bench -- --quick``. Each workload module (:mod:`benchmarks.w1`,
:mod:`benchmarks.w2`, :mod:`benchmarks.w3`) generates its data deterministically
from a seed and provides:

- ``generate(size, seed)``: the workload's data;
- ``reference(data)``: a straightforward numpy implementation, independent of slakit;
- ``run_slakit(data)``: the same result through slakit's public API (optional:
  a workload without it is reported with no slakit column);
- ``same(a, b)``: whether two results agree exactly;
- ``peer(data, repeat)``: the tool a user would otherwise pick, timed.

:mod:`benchmarks.overhead` measures import time and per-call overhead.
"""
