"""nd.save / nd.load (MXNet's binary NDArray format)."""
from .serialization import save, load, load_frombuffer  # noqa: F401
