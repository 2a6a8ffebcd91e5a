"""mx.nd.image: operator functions generated from the registry (see register.py)."""
