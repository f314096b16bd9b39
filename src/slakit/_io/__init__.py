"""Inputs from where the data lives: one module per format, and the kinds they fill."""
