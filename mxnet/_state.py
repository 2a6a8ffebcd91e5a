"""Thread-local autograd state (recording / training), read on every operator call."""
import threading


class _State(threading.local):
    def __init__(self):
        self.recording = False
        self.training = False


state = _State()


class Scope:
    """``with``-scope setting recording and/or training (None: unchanged) and restoring them
    on exit: ``autograd.record()`` / ``pause()`` / ``train_mode()`` / ``predict_mode()``, and
    the custom operators' callbacks, which run outside the outer graph."""
    __slots__ = ('_enter_is_record', '_enter_train_mode', '_prev_is_record', '_prev_train_mode')

    def __init__(self, is_record, train_mode):
        self._enter_is_record = is_record
        self._enter_train_mode = train_mode
        self._prev_is_record = None
        self._prev_train_mode = None

    def __enter__(self):
        st = state
        if self._enter_is_record is not None:
            self._prev_is_record = st.recording
            st.recording = self._enter_is_record
        if self._enter_train_mode is not None:
            self._prev_train_mode = st.training
            st.training = self._enter_train_mode
        return self

    def __exit__(self, ptype, value, trace):
        st = state
        if self._enter_is_record is not None:
            st.recording = self._prev_is_record
        if self._enter_train_mode is not None:
            st.training = self._prev_train_mode
        return False
