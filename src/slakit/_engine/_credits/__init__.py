"""Credits: each compensation rule turned into exact amounts over all services at once.

One module per DSL module of rules, each registering the kernels of its rule
types with ``credit_kernel()``:

- ``_context``: the ``CreditContext`` a
  kernel reads, its result (``Credits``), the ``History`` of earlier periods, the
  kernel registry and the entry points (``compensation_column``, ``check_rule``);
- ``_compensation``: bases (fee, charges) and credit schedules;
- ``_remedies``: per breach, linear, prorated, downtime units, refunds per unit;
- ``_combinators``: totals, in order, largest, first, caps, minimums, bonuses,
  scaling, escalation, earn-back;
- ``_claims``: claim windows, chronic breaches, remedies reported only.

The modules are imported, with every other module that registers something,
by ``slakit._engine._families``.
"""
