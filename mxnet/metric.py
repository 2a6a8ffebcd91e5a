"""``mx.metric``: online evaluation metrics, as in MXNet 1.9.1.

A metric accumulates statistics batch after batch through ``update(labels, preds)`` and reports
``(name, value)`` through ``get()``. Every metric keeps two sets of statistics: the *local* ones
(``sum_metric`` / ``num_inst``), cleared by ``reset_local()`` (``Speedometer`` does it after each
log line), and the *global* ones (``global_sum_metric`` / ``global_num_inst``), cleared only by
``reset()`` and read by ``get_global()``. The arithmetic, the numeric types of the results and
the quirks of each metric follow MXNet 1.9.1 (see each class).

``labels`` and ``preds`` are lists of arrays (a single array is wrapped in a list). The arrays
are ``NDArray``\\ s; remx also accepts ``numpy.ndarray``\\ s (MXNet 1.9.1 raised an
AttributeError for them) and computes the same values. Wrong input raises ``MXNetError``; where
MXNet raised a ``ValueError`` / ``AssertionError`` / ``KeyError`` / ``NotImplementedError``
the error is an ``MXNetError`` that is also that Python type, so existing ``except`` clauses
keep working.

Metrics are created by class or by name through ``create('acc')``; ``register`` and ``alias``
add user metrics to that registry.
"""
import json
import math
import warnings
from collections import OrderedDict

import numpy

from .base import MXNetError, numeric_types, string_types
from . import ndarray
from .ndarray import NDArray

__all__ = ['EvalMetric', 'CompositeEvalMetric', 'Accuracy', 'TopKAccuracy', 'F1', 'MCC',
           'Perplexity', 'MAE', 'MSE', 'RMSE', 'CrossEntropy', 'NegativeLogLikelihood',
           'PearsonCorrelation', 'PCC', 'Loss', 'Torch', 'Caffe', 'CustomMetric', 'np',
           'create', 'register', 'alias', 'check_label_shapes']


# --------------------------------------------------------------------------------------------
# errors: MXNetError, and the Python type MXNet 1.9.1 raised in the same place
# --------------------------------------------------------------------------------------------

class MetricValueError(MXNetError, ValueError):
    """Inconsistent labels / predictions (MXNet raised ValueError)."""


class MetricAssertionError(MXNetError, AssertionError):
    """A violated precondition (MXNet raised AssertionError)."""


class MetricTypeError(MXNetError, TypeError):
    """An input that is not an array."""


class MetricKeyError(MXNetError, KeyError):
    """A name missing from the dicts given to ``update_dict``."""


class MetricNotImplementedError(MXNetError, NotImplementedError):
    """An operation the metric does not support (MXNet raised NotImplementedError)."""


def _check(cond, msg):
    if not cond:
        raise MetricAssertionError(msg)


# --------------------------------------------------------------------------------------------
# array helpers
# --------------------------------------------------------------------------------------------

_ARRAY_TYPES = (NDArray, numpy.ndarray)


def _np(x):
    """The values of an NDArray or numpy array as a numpy array."""
    if isinstance(x, NDArray):
        return x.asnumpy()
    if isinstance(x, numpy.ndarray):
        return x
    raise MetricTypeError('metric inputs must be NDArray or numpy.ndarray, got %s'
                          % type(x).__name__)


def _nd(x):
    """An NDArray holding x (numpy arrays are copied with their dtype)."""
    if isinstance(x, NDArray):
        return x
    if isinstance(x, numpy.ndarray):
        return ndarray.array(x, dtype=x.dtype)
    raise MetricTypeError('metric inputs must be NDArray or numpy.ndarray, got %s'
                          % type(x).__name__)


def _pairs(labels, preds):
    """Wrapped, length-checked (label, pred) pairs with every element an array."""
    labels, preds = check_label_shapes(labels, preds, True)
    labels, preds = list(labels), list(preds)
    for x in labels + preds:
        if not isinstance(x, _ARRAY_TYPES):
            raise MetricTypeError('metric inputs must be NDArray or numpy.ndarray, got %s'
                                  % type(x).__name__)
    return list(zip(labels, preds))


def _out(v):
    # MXNet 1.9.1 returned NumPy 1.x float64 scalars, which print as plain floats; under NumPy 2
    # they print as ``np.float64(...)``, so results are handed out as Python floats.
    return float(v) if isinstance(v, numpy.floating) else v


def _acc(x):
    # a user value about to be added to a Python-float sum: under NumPy 1.x the sum became a
    # float64, under NumPy 2 a float32/float16 scalar would keep its precision
    if isinstance(x, numpy.floating) and x.dtype.itemsize < 8:
        return numpy.float64(x)
    return x


def _f64(x):
    # MXNet 1.9.1 ran on NumPy 1.x, where ``0.0 + numpy.float32(v)`` is a float64: accumulate
    # in float64 explicitly so NumPy 2's promotion rules give the same sums.
    return numpy.float64(x)


def check_label_shapes(labels, preds, wrap=False, shape=False):
    """Check that labels and predictions agree in length (or in shape).

    Parameters
    ----------
    labels : list of NDArray, or NDArray
        The labels of the data.
    preds : list of NDArray, or NDArray
        The predicted values.
    wrap : bool
        If True, a single array given as ``labels`` or ``preds`` is wrapped in a list.
    shape : bool
        If True, compare ``.shape``; otherwise compare ``len()``.

    Returns
    -------
    (labels, preds), wrapped when ``wrap`` is set. Raises ValueError (an MXNetError) when they
    do not match.
    """
    try:
        if not shape:
            label_shape, pred_shape = len(labels), len(preds)
        else:
            label_shape, pred_shape = labels.shape, preds.shape
    except (TypeError, AttributeError):
        raise MetricTypeError('labels and preds must be arrays or lists of arrays, got %s and %s'
                              % (type(labels).__name__, type(preds).__name__)) from None
    if label_shape != pred_shape:
        raise MetricValueError('Shape of labels {} does not match shape of predictions {}'
                               .format(label_shape, pred_shape))
    if wrap:
        if isinstance(labels, _ARRAY_TYPES):
            labels = [labels]
        if isinstance(preds, _ARRAY_TYPES):
            preds = [preds]
    return labels, preds


# --------------------------------------------------------------------------------------------
# registry
# --------------------------------------------------------------------------------------------

_REGISTRY = {}


def register(klass, name=None):
    """Register an EvalMetric subclass with the metric factory (``create``), under ``name``
    (default: the class name), lower-cased. Returns the class, so it works as a decorator."""
    if not (isinstance(klass, type) and issubclass(klass, EvalMetric)):
        raise MetricAssertionError('Can only register subclass of EvalMetric')
    if name is None:
        name = klass.__name__
    name = name.lower()
    old = _REGISTRY.get(name)
    if old is not None and old is not klass:
        warnings.warn('New metric %s.%s registered with name %s is overriding existing metric '
                      '%s.%s' % (klass.__module__, klass.__name__, name, old.__module__,
                                 old.__name__), UserWarning, stacklevel=2)
    _REGISTRY[name] = klass
    return klass


def alias(*aliases):
    """Decorator registering a metric class under the extra names ``aliases``."""
    def reg(klass):
        for name in aliases:
            register(klass, name)
        return klass
    return reg


def _create(*args, **kwargs):
    """Create a registered metric from a name, a config dict, a JSON string or an instance."""
    if args:
        name, args = args[0], args[1:]
    else:
        if 'metric' not in kwargs:
            raise MetricKeyError('metric')
        name = kwargs.pop('metric')
    if isinstance(name, EvalMetric):
        _check(not args and not kwargs,
               'metric is already an instance. Additional arguments are invalid')
        return name
    if isinstance(name, dict):
        _check(not args, 'a metric config dict takes no positional arguments')
        return _create(**dict(name, **kwargs))
    _check(isinstance(name, string_types), 'metric must be of string type')
    if name.startswith('['):
        _check(not args and not kwargs, 'a JSON metric config takes no other arguments')
        name, kwargs = json.loads(name)
        return _create(name, **kwargs)
    if name.startswith('{'):
        _check(not args and not kwargs, 'a JSON metric config takes no other arguments')
        return _create(**json.loads(name))
    name = name.lower()
    _check(name in _REGISTRY,
           '%s is not registered. Please register with metric.register first' % name)
    return _REGISTRY[name](*args, **kwargs)


def create(metric, *args, **kwargs):
    """Create an evaluation metric.

    Parameters
    ----------
    metric : str, EvalMetric, callable, dict or list
        - a registered name or alias (``'acc'``, ``'ce'``, ``'top_k_accuracy'``, ``'f1'``, ...,
          case-insensitive), or a JSON config string;
        - an EvalMetric instance (returned as is);
        - a function ``feval(label, pred)`` on numpy arrays (wrapped in a CustomMetric);
        - a config dict as made by ``get_config()``;
        - a list of the above (a CompositeEvalMetric of them).
    *args, **kwargs
        Passed to the metric's constructor (to every metric of a list).

    Examples
    --------
    >>> mx.metric.create('acc')
    >>> mx.metric.create(lambda label, pred: float((label == pred.argmax(1)).mean()))
    >>> mx.metric.create(['acc', 'ce', mx.metric.F1()])
    """
    if callable(metric):
        return CustomMetric(metric, *args, **kwargs)
    if isinstance(metric, list):
        composite = CompositeEvalMetric()
        for child in metric:
            composite.add(create(child, *args, **kwargs))
        return composite
    return _create(metric, *args, **kwargs)


# --------------------------------------------------------------------------------------------
# base class
# --------------------------------------------------------------------------------------------

class EvalMetric(object):
    """Base class of the evaluation metrics; subclasses implement ``update``.

    Parameters
    ----------
    name : str
        Name of the metric, used in ``get()`` and in logs.
    output_names : list of str, or None
        Names of the predictions ``update_dict`` passes on (default: all, in order).
    label_names : list of str, or None
        Names of the labels ``update_dict`` passes on (default: all, in order).
    **kwargs
        Extra configuration, kept for ``get_config()``. ``has_global_stats=True`` makes
        ``get_global()`` read the global statistics (otherwise it returns ``get()``).
    """

    def __init__(self, name, output_names=None, label_names=None, **kwargs):
        self.name = str(name)
        self.output_names = output_names
        self.label_names = label_names
        self._has_global_stats = kwargs.pop('has_global_stats', False)
        self._kwargs = kwargs
        self.reset()

    def __str__(self):
        return 'EvalMetric: {}'.format(dict(self.get_name_value()))

    def get_config(self):
        """The configuration as a dict; ``mx.metric.create(**config)`` rebuilds the metric."""
        config = self._kwargs.copy()
        config.update({'metric': self.__class__.__name__, 'name': self.name,
                       'output_names': self.output_names, 'label_names': self.label_names})
        return config

    def update_dict(self, label, pred):
        """Update with named arrays.

        Parameters
        ----------
        label : dict of str -> NDArray
            Labels by name; ``label_names`` selects (and orders) them when set.
        pred : dict of str -> NDArray
            Predictions by name; ``output_names`` selects (and orders) them when set.
        """
        label_keys, pred_keys = list(label), list(pred)
        try:
            if self.output_names is not None:
                pred = [pred[name] for name in self.output_names]
            else:
                pred = list(pred.values())
            if self.label_names is not None:
                label = [label[name] for name in self.label_names]
            else:
                label = list(label.values())
        except KeyError as e:
            raise MetricKeyError('%s: no array named %s (have labels %s, predictions %s)' % (
                self.name, e.args[0], label_keys, pred_keys)) from None
        self.update(label, pred)

    def update(self, labels, preds):
        """Accumulate the statistics of one batch.

        Parameters
        ----------
        labels : list of NDArray
            The labels of the batch.
        preds : list of NDArray
            The predictions of the batch.
        """
        raise MetricNotImplementedError('%s.update is not implemented (EvalMetric is a base '
                                        'class)' % type(self).__name__)

    def reset(self):
        """Clear the local and global statistics."""
        self.num_inst = 0
        self.sum_metric = 0.0
        self.global_num_inst = 0
        self.global_sum_metric = 0.0

    def reset_local(self):
        """Clear the local statistics only (the global ones keep accumulating)."""
        self.num_inst = 0
        self.sum_metric = 0.0

    def get(self):
        """The local result: ``(name, value)``; ``value`` is NaN before any update."""
        if self.num_inst == 0:
            return (self.name, float('nan'))
        return (self.name, _out(self.sum_metric / self.num_inst))

    def get_global(self):
        """The global result (since the last ``reset()``): ``(name, value)``."""
        if self._has_global_stats:
            if self.global_num_inst == 0:
                return (self.name, float('nan'))
            return (self.name, _out(self.global_sum_metric / self.global_num_inst))
        return self.get()

    def get_name_value(self):
        """The local result as a list of ``(name, value)`` pairs."""
        return _zip_name_value(*self.get())

    def get_global_name_value(self):
        """The global result as a list of ``(name, value)`` pairs."""
        if self._has_global_stats:
            return _zip_name_value(*self.get_global())
        return self.get_name_value()


def _zip_name_value(name, value):
    if not isinstance(name, list):
        name = [name]
    if not isinstance(value, list):
        value = [value]
    return list(zip(name, value))


# --------------------------------------------------------------------------------------------
# composite
# --------------------------------------------------------------------------------------------

class CompositeEvalMetric(EvalMetric):
    """Several metrics updated together; ``get()`` returns ``([names], [values])``.

    Parameters
    ----------
    metrics : list of EvalMetric (or anything ``create`` accepts), optional
        The child metrics.
    name : str, default 'composite'
    output_names, label_names : list of str, or None
        Filter the dicts given to ``update_dict`` before they reach the children.

    Examples
    --------
    >>> m = mx.metric.CompositeEvalMetric([mx.metric.Accuracy(), mx.metric.F1()])
    >>> m.update([mx.nd.array([0, 1, 1])], [mx.nd.array([[0.3, 0.7], [0, 1.], [0.4, 0.6]])])
    >>> m.get()
    (['accuracy', 'f1'], [0.6666666666666666, 0.8])
    """

    def __init__(self, metrics=None, name='composite', output_names=None, label_names=None):
        super(CompositeEvalMetric, self).__init__(name, output_names=output_names,
                                                  label_names=label_names,
                                                  has_global_stats=True)
        self.metrics = [create(m) for m in (metrics if metrics is not None else [])]

    def add(self, metric):
        """Append a child metric (anything ``create`` accepts)."""
        self.metrics.append(create(metric))

    def get_metric(self, index):
        """The child metric at position ``index``."""
        try:
            return self.metrics[index]
        except (IndexError, TypeError):
            raise MetricValueError('Metric index {} is out of range 0 and {}'.format(
                index, len(self.metrics))) from None

    def update_dict(self, labels, preds):  # pylint: disable=arguments-differ
        if self.label_names is not None:
            labels = OrderedDict([i for i in labels.items() if i[0] in self.label_names])
        if self.output_names is not None:
            preds = OrderedDict([i for i in preds.items() if i[0] in self.output_names])
        for metric in self.metrics:
            metric.update_dict(labels, preds)

    def update(self, labels, preds):
        """Update every child metric with the same labels and predictions."""
        for metric in self.metrics:
            metric.update(labels, preds)

    def reset(self):
        """Reset every child metric."""
        for metric in getattr(self, 'metrics', ()):
            metric.reset()

    def reset_local(self):
        """Reset the local statistics of every child metric."""
        for metric in getattr(self, 'metrics', ()):
            metric.reset_local()

    def _collect(self, global_):
        names, values = [], []
        for metric in self.metrics:
            name, value = metric.get_global() if global_ else metric.get()
            if isinstance(name, string_types):
                name = [name]
            if isinstance(value, numeric_types):
                value = [value]
            names.extend(name)
            values.extend(value)
        return (names, values)

    def get(self):
        """``([child names], [child values])`` of the local statistics."""
        return self._collect(False)

    def get_global(self):
        """``([child names], [child values])`` of the global statistics."""
        return self._collect(True)

    def get_config(self):
        config = super(CompositeEvalMetric, self).get_config()
        config.update({'metrics': [m.get_config() for m in self.metrics]})
        return config


# --------------------------------------------------------------------------------------------
# classification
# --------------------------------------------------------------------------------------------

class Accuracy(EvalMetric):
    """Classification accuracy: the fraction of samples whose predicted class equals the label.

    A prediction whose shape differs from its label's is a score per class along ``axis``
    (its argmax is the predicted class); otherwise it holds class indices. Labels and
    predicted classes are compared as int32, flattened.

    Parameters
    ----------
    axis : int, default 1
        The axis of the class scores.
    name : str, default 'accuracy'
    output_names, label_names : list of str, or None
        See EvalMetric.

    Examples
    --------
    >>> acc = mx.metric.Accuracy()
    >>> acc.update([mx.nd.array([0, 1, 1])], [mx.nd.array([[0.3, 0.7], [0, 1.], [0.4, 0.6]])])
    >>> acc.get()
    ('accuracy', 0.6666666666666666)
    """

    def __init__(self, axis=1, name='accuracy', output_names=None, label_names=None):
        super(Accuracy, self).__init__(name, axis=axis, output_names=output_names,
                                       label_names=label_names, has_global_stats=True)
        self.axis = axis

    def update(self, labels, preds):
        """Update with labels (class indices) and predictions (class scores or indices)."""
        counts = []
        for label, pred in _pairs(labels, preds):
            if pred.shape != label.shape:
                if isinstance(pred, NDArray):
                    pred = ndarray.argmax(pred, axis=self.axis)
                else:
                    pred = numpy.argmax(pred, axis=self.axis)
            pred = _np(pred).astype('int32').ravel()
            label = _np(label).astype('int32').ravel()
            check_label_shapes(label, pred)
            counts.append(((pred == label).sum(), len(pred)))
        for num_correct, num in counts:
            self.sum_metric += num_correct
            self.global_sum_metric += num_correct
            self.num_inst += num
            self.global_num_inst += num


class TopKAccuracy(EvalMetric):
    """Top-k accuracy: a sample counts as correct when its label is among the ``top_k``
    highest-scoring classes of its prediction (shape ``(batch, num_classes)``).

    The metric's name is ``name + '_<top_k>'`` (``'top_k_accuracy_5'``).

    Parameters
    ----------
    top_k : int
        How many top classes count; must be greater than 1 (use Accuracy for 1).
    name : str, default 'top_k_accuracy'
    output_names, label_names : list of str, or None
        See EvalMetric.
    """

    def __init__(self, top_k=1, name='top_k_accuracy', output_names=None, label_names=None):
        super(TopKAccuracy, self).__init__(name, top_k=top_k, output_names=output_names,
                                           label_names=label_names, has_global_stats=True)
        self.top_k = top_k
        _check(self.top_k > 1, 'Please use Accuracy if top_k is no more than 1')
        self.name += '_%d' % self.top_k

    def update(self, labels, preds):
        """Update with labels (class indices) and predictions (class scores)."""
        work = []
        for label, pred in _pairs(labels, preds):
            _check(len(pred.shape) <= 2, 'Predictions should be no more than 2 dims')
            pred = _np(pred)
            if pred.ndim == 0 or pred.shape[-1] < self.top_k:
                raise MetricValueError('TopKAccuracy: top_k=%d needs predictions with at least '
                                       '%d classes, got shape %s'
                                       % (self.top_k, self.top_k, pred.shape))
            order = numpy.argpartition(pred.astype('float32'), -self.top_k)
            label = _np(label).astype('int32')
            check_label_shapes(label, order)
            work.append((label, order))
        for label, order in work:
            num_samples = order.shape[0]
            if order.ndim == 1:
                # MXNet 1.9.1 adds this case to the local sum only
                self.sum_metric += (order.flat == label.flat).sum()
            elif order.ndim == 2:
                num_classes = order.shape[1]
                for j in range(min(num_classes, self.top_k)):
                    num_correct = (order[:, num_classes - 1 - j].flat == label.flat).sum()
                    self.sum_metric += num_correct
                    self.global_sum_metric += num_correct
            self.num_inst += num_samples
            self.global_num_inst += num_samples


class _BinaryClassificationMetrics(object):
    """True/false positive/negative counts (local and global) of a binary classifier, from
    which F1 and MCC are computed."""

    def __init__(self):
        self.reset_stats()

    @staticmethod
    def counts(label, pred, owner):
        """The (tp, fp, fn, tn) counts of one batch; pred holds two class scores per sample."""
        pred = _np(pred)
        label = _np(label).astype('int32')
        if pred.ndim != 2:
            raise MetricValueError('%s expects predictions of shape (batch, 2), got %s'
                                   % (owner, pred.shape))
        pred_label = numpy.argmax(pred, axis=1)
        check_label_shapes(label, pred)
        if len(numpy.unique(label)) > 2:
            raise MetricValueError('%s currently only supports binary classification.' % owner)
        pred_true = pred_label == 1
        pred_false = 1 - pred_true
        label_true = label == 1
        label_false = 1 - label_true
        return ((pred_true * label_true).sum(), (pred_true * label_false).sum(),
                (pred_false * label_true).sum(), (pred_false * label_false).sum())

    def add(self, counts):
        tp, fp, fn, tn = counts
        self.true_positives += tp
        self.global_true_positives += tp
        self.false_positives += fp
        self.global_false_positives += fp
        self.false_negatives += fn
        self.global_false_negatives += fn
        self.true_negatives += tn
        self.global_true_negatives += tn

    @staticmethod
    def _ratio(num, other):
        return float(num) / (num + other) if num + other > 0 else 0.0

    @property
    def precision(self):
        return self._ratio(self.true_positives, self.false_positives)

    @property
    def global_precision(self):
        return self._ratio(self.global_true_positives, self.global_false_positives)

    @property
    def recall(self):
        return self._ratio(self.true_positives, self.false_negatives)

    @property
    def global_recall(self):
        return self._ratio(self.global_true_positives, self.global_false_negatives)

    @staticmethod
    def _f(p, r):
        return 2 * p * r / (p + r) if p + r > 0 else 0.0

    @property
    def fscore(self):
        return self._f(self.precision, self.recall)

    @property
    def global_fscore(self):
        return self._f(self.global_precision, self.global_recall)

    def matthewscc(self, use_global=False):
        """Matthews correlation coefficient; zero factors of the denominator count as 1."""
        if use_global:
            if not self.global_total_examples:
                return 0.0
            tp, fp = float(self.global_true_positives), float(self.global_false_positives)
            fn, tn = float(self.global_false_negatives), float(self.global_true_negatives)
        else:
            if not self.total_examples:
                return 0.0
            tp, fp = float(self.true_positives), float(self.false_positives)
            fn, tn = float(self.false_negatives), float(self.true_negatives)
        denom = 1.0
        for t in (tp + fp, tp + fn, tn + fp, tn + fn):
            if t != 0.0:
                denom *= t
        return (tp * tn - fp * fn) / math.sqrt(denom)

    @property
    def total_examples(self):
        return (self.false_negatives + self.false_positives + self.true_negatives
                + self.true_positives)

    @property
    def global_total_examples(self):
        return (self.global_false_negatives + self.global_false_positives
                + self.global_true_negatives + self.global_true_positives)

    def local_reset_stats(self):
        self.false_positives = 0
        self.false_negatives = 0
        self.true_positives = 0
        self.true_negatives = 0

    def reset_stats(self):
        self.local_reset_stats()
        self.global_false_positives = 0
        self.global_false_negatives = 0
        self.global_true_positives = 0
        self.global_true_negatives = 0


def _binary_update(stats, labels, preds, owner):
    counts = [_BinaryClassificationMetrics.counts(label, pred, owner)
              for label, pred in _pairs(labels, preds)]
    for c in counts:
        stats.add(c)


class F1(EvalMetric):
    """F1 score of a binary classifier: ``2 * precision * recall / (precision + recall)``.

    Predictions are two class scores per sample (shape ``(batch, 2)``); class 1 is positive.
    Labels may take at most two distinct values.

    Parameters
    ----------
    name : str, default 'f1'
    output_names, label_names : list of str, or None
        See EvalMetric.
    average : str, default 'macro'
        'macro': the mean of the per-update F1 scores; 'micro': one F1 score over the counts
        of all updates. (In 'macro' mode MXNet clears the counts after every update, so the
        global value is the mean of the same per-update scores.)

    Examples
    --------
    >>> f1 = mx.metric.F1()
    >>> f1.update([mx.nd.array([0., 1., 1.])], [mx.nd.array([[0.3, 0.7], [0., 1.], [0.4, 0.6]])])
    >>> f1.get()
    ('f1', 0.8)
    """

    def __init__(self, name='f1', output_names=None, label_names=None, average='macro'):
        self.average = average
        self.metrics = _BinaryClassificationMetrics()
        EvalMetric.__init__(self, name=name, output_names=output_names,
                            label_names=label_names, has_global_stats=True)

    def update(self, labels, preds):
        """Update with labels (0/1) and predictions (batch, 2)."""
        _binary_update(self.metrics, labels, preds, 'F1')
        m = self.metrics
        if self.average == 'macro':
            self.sum_metric += m.fscore
            self.global_sum_metric += m.global_fscore
            self.num_inst += 1
            self.global_num_inst += 1
            m.reset_stats()
        else:
            self.sum_metric = m.fscore * m.total_examples
            self.global_sum_metric = m.global_fscore * m.global_total_examples
            self.num_inst = m.total_examples
            self.global_num_inst = m.global_total_examples

    def reset(self):
        """Clear the local and global statistics."""
        self.sum_metric = 0.0
        self.num_inst = 0
        self.global_num_inst = 0
        self.global_sum_metric = 0.0
        self.metrics.reset_stats()

    def reset_local(self):
        """Clear the local statistics."""
        self.sum_metric = 0.0
        self.num_inst = 0
        self.metrics.local_reset_stats()


class MCC(EvalMetric):
    """Matthews correlation coefficient of a binary classifier:
    ``(TP*TN - FP*FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN))``, where zero factors of the
    denominator are replaced by 1.

    Predictions are two class scores per sample (shape ``(batch, 2)``); class 1 is positive.
    For more than two classes use PCC.

    Parameters
    ----------
    name : str, default 'mcc'
    output_names, label_names : list of str, or None
        See EvalMetric.
    average : str, default 'macro'
        'macro': the mean of the per-update MCCs; 'micro': one MCC over all updates.
    """

    def __init__(self, name='mcc', output_names=None, label_names=None, average='macro'):
        self._average = average
        self._metrics = _BinaryClassificationMetrics()
        EvalMetric.__init__(self, name=name, output_names=output_names,
                            label_names=label_names, has_global_stats=True)

    def update(self, labels, preds):
        """Update with labels (0/1) and predictions (batch, 2)."""
        _binary_update(self._metrics, labels, preds, 'MCC')
        m = self._metrics
        if self._average == 'macro':
            self.sum_metric += m.matthewscc()
            self.global_sum_metric += m.matthewscc(use_global=True)
            self.num_inst += 1
            self.global_num_inst += 1
            m.reset_stats()
        else:
            self.sum_metric = m.matthewscc() * m.total_examples
            self.global_sum_metric = m.matthewscc(use_global=True) * m.global_total_examples
            self.num_inst = m.total_examples
            self.global_num_inst = m.global_total_examples

    def reset(self):
        """Clear the local and global statistics."""
        self.sum_metric = 0.0
        self.num_inst = 0.0
        self.global_sum_metric = 0.0
        self.global_num_inst = 0.0
        self._metrics.reset_stats()

    def reset_local(self):
        """Clear the local statistics."""
        self.sum_metric = 0.0
        self.num_inst = 0.0
        self._metrics.local_reset_stats()


class Perplexity(EvalMetric):
    """Perplexity: ``exp(-mean(log p))`` over the predicted probabilities ``p`` of the true
    labels.

    Parameters
    ----------
    ignore_label : int or None
        Label value to leave out of the count (None: count every entry).
    axis : int, default -1
        The axis of the class probabilities in the predictions.
    name : str, default 'perplexity'
    output_names, label_names : list of str, or None
        See EvalMetric.

    Shapes: each label has ``pred.size / pred.shape[-1]`` entries (class indices); the
    probabilities are clipped below at 1e-10 before the log.

    Examples
    --------
    >>> perp = mx.metric.Perplexity(ignore_label=None)
    >>> perp.update([mx.nd.array([0, 1, 1])], [mx.nd.array([[0.3, 0.7], [0, 1.], [0.4, 0.6]])])
    >>> perp.get()
    ('perplexity', 1.7710976285155853)
    """

    def __init__(self, ignore_label, axis=-1, name='perplexity', output_names=None,
                 label_names=None):
        super(Perplexity, self).__init__(name, ignore_label=ignore_label,
                                         output_names=output_names, label_names=label_names,
                                         has_global_stats=True)
        self.ignore_label = ignore_label
        self.axis = axis

    def update(self, labels, preds):
        """Update with labels (class indices) and predictions (class probabilities)."""
        _check(len(labels) == len(preds), 'Perplexity: %d labels but %d predictions'
               % (len(labels), len(preds)))
        # MXNet 1.9.1 iterates over the rows of single arrays, which sums the same values
        if isinstance(labels, _ARRAY_TYPES):
            labels = [labels]
        if isinstance(preds, _ARRAY_TYPES):
            preds = [preds]
        pairs = []
        for label, pred in zip(labels, preds):
            label, pred = _nd(label), _nd(pred)
            _check(pred.ndim >= 1 and label.size == pred.size / pred.shape[-1],
                   'shape mismatch: %s vs. %s' % (label.shape, pred.shape))
            pairs.append((label, pred))
        loss = 0.0
        num = 0
        for label, pred in pairs:
            label = label.as_in_context(pred.context).reshape((label.size,))
            pred = ndarray.pick(pred, label.astype(dtype='int32'), axis=self.axis)
            if self.ignore_label is not None:
                ignore = (label == self.ignore_label).astype(pred.dtype)
                num -= _f64(ndarray.sum(ignore).asscalar())
                pred = pred * (1 - ignore) + ignore
            loss -= _f64(ndarray.sum(ndarray.log(ndarray.maximum(1e-10, pred))).asscalar())
            num += pred.size
        self.sum_metric += loss
        self.global_sum_metric += loss
        self.num_inst += num
        self.global_num_inst += num

    def get(self):
        """``(name, exp(local mean negative log-probability))``."""
        if self.num_inst == 0:
            return (self.name, float('nan'))
        return (self.name, math.exp(self.sum_metric / self.num_inst))

    def get_global(self):
        """``(name, exp(global mean negative log-probability))``."""
        if self.global_num_inst == 0:
            return (self.name, float('nan'))
        return (self.name, math.exp(self.global_sum_metric / self.global_num_inst))


# --------------------------------------------------------------------------------------------
# regression
# --------------------------------------------------------------------------------------------

class _BatchMean(EvalMetric):
    """A metric that is the mean of one value per (label, pred) pair."""

    def _value(self, label, pred):
        raise NotImplementedError

    def update(self, labels, preds):
        """Update with labels and predictions of matching sizes."""
        values = []
        for label, pred in _pairs(labels, preds):
            label, pred = _np(label), _np(pred)
            if label.ndim == 1:
                label = label.reshape(label.shape[0], 1)
            if pred.ndim == 1:
                pred = pred.reshape(pred.shape[0], 1)
            try:
                values.append(_f64(self._value(label, pred)))
            except ValueError as e:
                raise MetricValueError('%s: labels of shape %s and predictions of shape %s do '
                                       'not broadcast (%s)' % (type(self).__name__, label.shape,
                                                               pred.shape, e)) from None
        for v in values:
            self.sum_metric += v
            self.global_sum_metric += v
            self.num_inst += 1
            self.global_num_inst += 1


class MAE(_BatchMean):
    """Mean absolute error ``mean(|label - pred|)``, averaged over updates (one value per
    label/prediction pair). 1-D arrays are treated as column vectors, so labels of shape
    ``(n,)`` and predictions of shape ``(n, 1)`` compare element by element.

    Parameters
    ----------
    name : str, default 'mae'
    output_names, label_names : list of str, or None
        See EvalMetric.
    """

    def __init__(self, name='mae', output_names=None, label_names=None):
        super(MAE, self).__init__(name, output_names=output_names, label_names=label_names,
                                  has_global_stats=True)

    def _value(self, label, pred):
        return numpy.abs(label - pred).mean()


class MSE(_BatchMean):
    """Mean squared error ``mean((label - pred) ** 2)``, averaged over updates (one value per
    label/prediction pair; 1-D arrays are column vectors).

    Parameters
    ----------
    name : str, default 'mse'
    output_names, label_names : list of str, or None
        See EvalMetric.
    """

    def __init__(self, name='mse', output_names=None, label_names=None):
        super(MSE, self).__init__(name, output_names=output_names, label_names=label_names,
                                  has_global_stats=True)

    def _value(self, label, pred):
        return ((label - pred) ** 2.0).mean()


class RMSE(_BatchMean):
    """Root mean squared error ``sqrt(mean((label - pred) ** 2))`` of each label/prediction
    pair, averaged over pairs and updates (1-D arrays are column vectors).

    Parameters
    ----------
    name : str, default 'rmse'
    output_names, label_names : list of str, or None
        See EvalMetric.
    """

    def __init__(self, name='rmse', output_names=None, label_names=None):
        super(RMSE, self).__init__(name, output_names=output_names, label_names=label_names,
                                   has_global_stats=True)

    def _value(self, label, pred):
        return numpy.sqrt(((label - pred) ** 2.0).mean())


class _NegLogProb(EvalMetric):
    """Mean of ``-log(pred[i, label[i]] + eps)`` over samples."""

    def __init__(self, eps, name, output_names, label_names):
        super(_NegLogProb, self).__init__(name, eps=eps, output_names=output_names,
                                          label_names=label_names, has_global_stats=True)
        self.eps = eps

    def update(self, labels, preds):
        """Update with labels (class indices) and predictions (batch, num_classes)."""
        values = []
        for label, pred in _pairs(labels, preds):
            label, pred = _np(label).ravel(), _np(pred)
            n = pred.shape[0] if pred.ndim else 0
            _check(label.shape[0] == n, '%s: %d labels for %d predictions'
                   % (type(self).__name__, label.shape[0], n))
            try:
                prob = pred[numpy.arange(n, dtype=numpy.int64), numpy.int64(label)]
            except IndexError as e:
                raise MetricValueError('%s: labels %s do not index predictions of shape %s (%s)'
                                       % (type(self).__name__, label, pred.shape, e)) from None
            values.append(((-numpy.log(prob + self.eps)).sum(), n))
        for v, n in values:
            v = _f64(v)
            self.sum_metric += v
            self.global_sum_metric += v
            self.num_inst += n
            self.global_num_inst += n


class CrossEntropy(_NegLogProb):
    """Cross entropy ``-mean(log(pred[i, label[i]] + eps))`` over all samples.

    Parameters
    ----------
    eps : float, default 1e-12
        Added to the probabilities before the log.
    name : str, default 'cross-entropy'
    output_names, label_names : list of str, or None
        See EvalMetric.

    Shapes: labels ``(batch,)`` class indices, predictions ``(batch, num_classes)``
    probabilities.
    """

    def __init__(self, eps=1e-12, name='cross-entropy', output_names=None, label_names=None):
        super(CrossEntropy, self).__init__(eps, name, output_names, label_names)


class NegativeLogLikelihood(_NegLogProb):
    """Negative log-likelihood ``-mean(log(pred[i, label[i]] + eps))`` over all samples.

    Parameters
    ----------
    eps : float, default 1e-12
        Added to the probabilities before the log.
    name : str, default 'nll-loss'
    output_names, label_names : list of str, or None
        See EvalMetric.

    Shapes: labels ``(batch,)`` class indices, predictions ``(batch, num_classes)``
    probabilities.
    """

    def __init__(self, eps=1e-12, name='nll-loss', output_names=None, label_names=None):
        super(NegativeLogLikelihood, self).__init__(eps, name, output_names, label_names)


class PearsonCorrelation(EvalMetric):
    """Pearson correlation coefficient between labels and predictions (flattened).

    Parameters
    ----------
    name : str, default 'pearsonr'
    output_names, label_names : list of str, or None
        See EvalMetric.
    average : str, default 'macro'
        'macro': the mean of the per-pair coefficients; 'micro': one coefficient over all
        values seen since ``reset()`` (computed from running means and sums of squares).
        As in MXNet 1.9.1, 'micro' keeps no separate global statistics: ``get_global()``
        then reports ``global_sum_metric / global_num_inst``, which stays 0.

    Shapes: each label and its prediction must have the same shape.
    """

    def __init__(self, name='pearsonr', output_names=None, label_names=None, average='macro'):
        self.average = average
        super(PearsonCorrelation, self).__init__(name, output_names=output_names,
                                                 label_names=label_names,
                                                 has_global_stats=True)
        if self.average == 'micro':
            self.reset_micro()

    def reset_micro(self):
        """Clear the running statistics of 'micro' averaging."""
        self._sse_p = 0
        self._mean_p = 0
        self._sse_l = 0
        self._mean_l = 0
        self._pred_nums = 0
        self._label_nums = 0
        self._conv = 0

    def reset(self):
        """Clear all statistics."""
        self.num_inst = 0
        self.sum_metric = 0.0
        self.global_num_inst = 0
        self.global_sum_metric = 0.0
        if self.average == 'micro':
            self.reset_micro()

    def update_variance(self, new_values, *aggregate):
        """Welford's update of (count, mean, sum of squared deviations) with new values."""
        count, mean, m_2 = aggregate
        count += len(new_values)
        delta = new_values - mean
        mean += numpy.sum(delta / count)
        delta_2 = new_values - mean
        m_2 += numpy.sum(delta * delta_2)
        return count, mean, m_2

    def update_cov(self, label, pred):
        """Accumulate the co-deviation of labels and predictions."""
        self._conv = self._conv + numpy.sum((label - self._mean_l) * (pred - self._mean_p))

    def update(self, labels, preds):
        """Update with labels and predictions of equal shapes."""
        pairs = []
        for label, pred in _pairs(labels, preds):
            check_label_shapes(label, pred, False, True)
            pairs.append((_np(label).ravel().astype(numpy.float64),
                          _np(pred).ravel().astype(numpy.float64)))
        for label, pred in pairs:
            if self.average == 'macro':
                with numpy.errstate(divide='ignore', invalid='ignore'):
                    corr = numpy.corrcoef(pred, label)[0, 1]
                self.sum_metric += corr
                self.global_sum_metric += corr
                self.num_inst += 1
                self.global_num_inst += 1
            else:
                self.global_num_inst += 1
                self.num_inst += 1
                self._label_nums, self._mean_l, self._sse_l = self.update_variance(
                    label, self._label_nums, self._mean_l, self._sse_l)
                self.update_cov(label, pred)
                self._pred_nums, self._mean_p, self._sse_p = self.update_variance(
                    pred, self._pred_nums, self._mean_p, self._sse_p)

    def get(self):
        """``(name, coefficient)``."""
        if self.num_inst == 0:
            return (self.name, float('nan'))
        if self.average == 'macro':
            return (self.name, _out(self.sum_metric / self.num_inst))
        n = self._label_nums
        with numpy.errstate(divide='ignore', invalid='ignore'):
            r = self._conv / ((n - 1) * numpy.sqrt(self._sse_p / (n - 1))
                              * numpy.sqrt(self._sse_l / (n - 1)))
        return (self.name, _out(r))


class PCC(EvalMetric):
    """Multiclass Matthews correlation coefficient (the Pearson correlation of the one-hot
    labels and predictions), computed from a confusion matrix that grows with the largest
    class index seen. With two classes it equals MCC.

    Parameters
    ----------
    name : str, default 'pcc'
    output_names, label_names : list of str, or None
        See EvalMetric.
    has_global_stats : bool, default True
        Keep a global confusion matrix for ``get_global()``.

    Shapes: labels ``(batch,)`` class indices; predictions ``(batch, num_classes)`` scores
    (argmax taken) or ``(batch,)`` class indices. ``num_inst`` counts updates.
    """

    def __init__(self, name='pcc', output_names=None, label_names=None,
                 has_global_stats=True):
        self.k = 2
        super(PCC, self).__init__(name=name, output_names=output_names,
                                  label_names=label_names, has_global_stats=has_global_stats)

    def _grow(self, inc):
        self.lcm = numpy.pad(self.lcm, ((0, inc), (0, inc)), 'constant', constant_values=0)
        self.gcm = numpy.pad(self.gcm, ((0, inc), (0, inc)), 'constant', constant_values=0)
        self.k += inc

    @staticmethod
    def _calc_mcc(cmat):
        n = cmat.sum()
        x = cmat.sum(axis=1)
        y = cmat.sum(axis=0)
        cov_xx = numpy.sum(x * (n - x))
        cov_yy = numpy.sum(y * (n - y))
        if cov_xx == 0 or cov_yy == 0:
            return float('nan')
        i = cmat.diagonal()
        cov_xy = numpy.sum(i * n - x * y)
        return cov_xy / (cov_xx * cov_yy) ** 0.5

    def update(self, labels, preds):
        """Update with labels (class indices) and predictions (scores or indices)."""
        work = []
        for label, pred in _pairs(labels, preds):
            label = _np(label).astype('int32')
            pred = _np(pred)
            if pred.shape != label.shape:
                pred = pred.argmax(axis=1)
            else:
                pred = pred.astype('int32')
            if pred.shape != label.shape and pred.size == label.size:
                label, pred = label.ravel(), pred.ravel()
            if label.ndim != 1 or pred.shape != label.shape:
                raise MetricValueError('PCC expects labels of shape (batch,) and predictions '
                                       'of shape (batch,) or (batch, num_classes); got %s and '
                                       '%s' % (label.shape, pred.shape))
            if label.size and (label.min() < 0 or pred.min() < 0):
                raise MetricValueError('PCC: class indices must be non-negative')
            work.append((label, pred))
        for label, pred in work:
            if not label.size:
                continue
            n = max(pred.max(), label.max())
            if n >= self.k:
                self._grow(int(n) + 1 - self.k)
            bcm = numpy.zeros((self.k, self.k))
            numpy.add.at(bcm, (pred, label), 1)
            self.lcm += bcm
            self.gcm += bcm
        self.num_inst += 1
        self.global_num_inst += 1

    @property
    def sum_metric(self):
        return self._calc_mcc(self.lcm) * self.num_inst

    @property
    def global_sum_metric(self):
        return self._calc_mcc(self.gcm) * self.global_num_inst

    def reset(self):
        """Clear the local and global confusion matrices."""
        self.global_num_inst = 0.0
        self.gcm = numpy.zeros((self.k, self.k))
        self.reset_local()

    def reset_local(self):
        """Clear the local confusion matrix."""
        self.num_inst = 0.0
        self.lcm = numpy.zeros((self.k, self.k))


# --------------------------------------------------------------------------------------------
# losses and custom metrics
# --------------------------------------------------------------------------------------------

class Loss(EvalMetric):
    """The mean of the given loss values: ``sum(preds) / number of elements``. Labels are
    ignored.

    Parameters
    ----------
    name : str, default 'loss'
    output_names, label_names : list of str, or None
        See EvalMetric.
    """

    def __init__(self, name='loss', output_names=None, label_names=None):
        super(Loss, self).__init__(name, output_names=output_names, label_names=label_names,
                                   has_global_stats=True)

    def update(self, _, preds):
        """Update with loss values (labels ignored)."""
        if isinstance(preds, _ARRAY_TYPES):
            preds = [preds]
        preds = [_nd(p) for p in preds]
        sums = [(_f64(ndarray.sum(p).asscalar()), p.size) for p in preds]
        for loss, size in sums:
            self.sum_metric += loss
            self.global_sum_metric += loss
            self.num_inst += size
            self.global_num_inst += size


class Torch(Loss):
    """The mean of loss values given as predictions (name 'torch'; see Loss)."""

    def __init__(self, name='torch', output_names=None, label_names=None):
        super(Torch, self).__init__(name, output_names=output_names, label_names=label_names)


class Caffe(Loss):
    """The mean of loss values given as predictions (name 'caffe'; see Loss)."""

    def __init__(self, name='caffe', output_names=None, label_names=None):
        super(Caffe, self).__init__(name, output_names=output_names, label_names=label_names)


class CustomMetric(EvalMetric):
    """A metric computed by a user function on numpy arrays.

    Parameters
    ----------
    feval : callable(label, pred)
        Called with each label and prediction as numpy arrays; returns a value (averaged over
        calls) or a tuple ``(sum_metric, num_inst)``.
    name : str, optional
        Defaults to ``feval.__name__`` (``'custom(<lambda>)'`` for a lambda).
    allow_extra_outputs : bool, default False
        Allow more predictions than labels (the extra ones are ignored).
    output_names, label_names : list of str, or None
        See EvalMetric.
    """

    def __init__(self, feval, name=None, allow_extra_outputs=False, output_names=None,
                 label_names=None):
        if not callable(feval):
            raise MetricTypeError('CustomMetric expects a callable feval, got %s'
                                  % type(feval).__name__)
        if name is None:
            name = getattr(feval, '__name__', type(feval).__name__)
            if name.find('<') != -1:
                name = 'custom(%s)' % name
        super(CustomMetric, self).__init__(name, feval=feval,
                                           allow_extra_outputs=allow_extra_outputs,
                                           output_names=output_names, label_names=label_names,
                                           has_global_stats=True)
        self._feval = feval
        self._allow_extra_outputs = allow_extra_outputs

    def update(self, labels, preds):
        """Call ``feval`` on each (label, pred) pair and accumulate its results."""
        if not self._allow_extra_outputs:
            labels, preds = check_label_shapes(labels, preds, True)
        for pred, label in zip(preds, labels):
            reval = self._feval(_np(label), _np(pred))
            if isinstance(reval, tuple):
                sum_metric, num_inst = reval
                sum_metric = _acc(sum_metric)
                self.sum_metric += sum_metric
                self.global_sum_metric += sum_metric
                self.num_inst += num_inst
                self.global_num_inst += num_inst
            else:
                reval = _acc(reval)
                self.sum_metric += reval
                self.global_sum_metric += reval
                self.num_inst += 1
                self.global_num_inst += 1

    def get_config(self):
        raise MetricNotImplementedError('CustomMetric cannot be serialized')


def np(numpy_feval, name=None, allow_extra_outputs=False):  # pylint: disable=invalid-name
    """Make a CustomMetric from a function ``numpy_feval(label, pred)`` on numpy arrays.

    Parameters
    ----------
    numpy_feval : callable(label, pred)
        Returns a value or ``(sum_metric, num_inst)``.
    name : str, optional
        The metric's name (default: the function's name).
    allow_extra_outputs : bool, default False
        Allow more predictions than labels.
    """
    def feval(label, pred):
        return numpy_feval(label, pred)
    feval.__name__ = numpy_feval.__name__
    return CustomMetric(feval, name, allow_extra_outputs)


# The registry, with MXNet 1.9.1's names and aliases.
for _cls, _aliases in ((CompositeEvalMetric, ('composite',)), (Accuracy, ('acc',)),
                       (TopKAccuracy, ('top_k_accuracy', 'top_k_acc')), (F1, ()), (MCC, ()),
                       (Perplexity, ()), (MAE, ()), (MSE, ()), (RMSE, ()),
                       (CrossEntropy, ('ce',)), (NegativeLogLikelihood, ('nll_loss',)),
                       (PearsonCorrelation, ('pearsonr',)), (PCC, ()), (Loss, ()),
                       (Torch, ()), (Caffe, ()), (CustomMetric, ())):
    register(_cls)
    alias(*_aliases)(_cls)
del _cls, _aliases
