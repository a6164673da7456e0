"""simshot's bridge: the scene schema, libraries, shot folder, stage runner and CLI."""

__version__ = "0.1.0"
