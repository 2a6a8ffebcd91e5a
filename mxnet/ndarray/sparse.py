"""mx.nd.sparse: operator functions generated from the registry (see register.py)."""
