"""The results layer: compliance, credit lines, evidence, totals, and their renderings."""
