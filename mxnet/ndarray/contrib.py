"""mx.nd.contrib: operator functions generated from the registry (see register.py)."""
