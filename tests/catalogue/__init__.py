"""The adversarial catalogue: inputs broken the way real data breaks, grouped by kind, each with its exact outcome.

A package, so that its module names may repeat those of tests/.
"""
