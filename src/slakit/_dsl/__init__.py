"""The DSL layer: money, measures, objectives, exclusions, credit rules, tiers, agreements."""
