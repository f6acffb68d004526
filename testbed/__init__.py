"""What the tests and the benchmarks share: the in-memory shop federation (its supergraph and four small
subgraphs), the supergraph SDL builder, scratch databases, free ports and the checkout-burst rig.

It imports neither `tests` nor `bench` (import-linter holds it), so a benchmark never depends on test
code and both measure and check the same things.
"""
