"""The catalogue of adversarial inputs, by kind (a package, so that its module names may repeat those of tests/)."""
