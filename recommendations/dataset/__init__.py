"""The YAML ⇄ database path: what a record may be, reading, validating, loading, exporting."""
