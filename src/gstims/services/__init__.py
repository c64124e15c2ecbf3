"""Use cases: one short function each, over a unit of work."""
