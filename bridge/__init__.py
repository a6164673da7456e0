"""simshot's contract: the scene script (schema, YAML I/O, errors, limits), the shot folder,
the material and asset libraries and transforms. It imports no other package of the project."""
