"""Thread-local autograd state (recording / training), read on every operator call."""
import threading


class _State(threading.local):
    def __init__(self):
        self.recording = False
        self.training = False


state = _State()
