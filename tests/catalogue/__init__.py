"""The adversarial catalogue: inputs broken the way real data breaks, grouped by kind, each with its exact outcome."""
