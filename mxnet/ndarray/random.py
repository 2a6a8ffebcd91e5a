"""mx.nd.random (filled by the random family)."""
