"""The events layer: validated records and the columnar event table built from them."""
