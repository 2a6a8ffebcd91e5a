"""mx.random (filled by the random family)."""
