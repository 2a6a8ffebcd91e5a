"""Data helpers of the legacy RNN API: sentence encoding and a bucketing iterator."""
import bisect
import random

import numpy as np

from ..io import DataIter, DataBatch, DataDesc
from .. import ndarray


def encode_sentences(sentences, vocab=None, invalid_label=-1, invalid_key='\n',
                     start_label=0, unknown_token=None):
    """Encode tokenized sentences as integer ids, building (or extending) the vocabulary.

    Parameters
    ----------
    sentences : list of list of str
        The sentences, each a list of tokens.
    vocab : None or dict of str -> int
        An existing vocabulary. Without one, a new vocabulary is built (starting with
        ``invalid_key -> invalid_label``) and every unseen token gets the next id.
    invalid_label : int, default -1
        Id of the invalid token (e.g. end of sentence); never given to another token.
    invalid_key : str, default '\\n'
        The invalid token.
    start_label : int, default 0
        The first id given to a new token.
    unknown_token : str, optional
        With a given vocabulary, unseen tokens map to this token (added on first use);
        without it an unseen token is an error.

    Returns
    -------
    result : list of list of int
        The encoded sentences.
    vocab : dict of str -> int
        The vocabulary.
    """
    next_id = start_label
    new_vocab = vocab is None
    if new_vocab:
        vocab = {invalid_key: invalid_label}
    encoded = []
    for sentence in sentences:
        ids = []
        for token in sentence:
            if token not in vocab:
                if not (new_vocab or unknown_token):
                    raise AssertionError('Unknown token %s' % token)
                if next_id == invalid_label:
                    next_id += 1
                if unknown_token:
                    token = unknown_token
                vocab[token] = next_id
                next_id += 1
            ids.append(vocab[token])
        encoded.append(ids)
    return encoded, vocab


class BucketSentenceIter(DataIter):
    """Bucketing iterator for language models: each sentence is padded (with
    ``invalid_label``) to the smallest bucket that holds it; the label of a step is the next
    token of the sentence.

    Parameters
    ----------
    sentences : list of list of int
        Encoded sentences.
    batch_size : int
        Batch size.
    buckets : list of int, optional
        Bucket lengths; by default every sentence length occurring at least ``batch_size``
        times.
    invalid_label : int, default -1
        Padding id (and the label after a sentence's last token).
    data_name : str, default 'data'
        Name of the data.
    label_name : str, default 'softmax_label'
        Name of the label.
    dtype : str, default 'float32'
        Data type of the batches.
    layout : str, default 'NT'
        'NT' for (batch_size, length) batches, 'TN' for (length, batch_size).
    """

    def __init__(self, sentences, batch_size, buckets=None, invalid_label=-1,
                 data_name='data', label_name='softmax_label', dtype='float32',
                 layout='NT'):
        super(BucketSentenceIter, self).__init__()
        if not buckets:
            counts = np.bincount([len(s) for s in sentences])
            buckets = [length for length, n in enumerate(counts) if n >= batch_size]
        buckets.sort()

        ndiscard = 0
        per_bucket = [[] for _ in buckets]
        used = [False] * len(buckets)
        for sentence in sentences:
            b = bisect.bisect_left(buckets, len(sentence))
            if b == len(buckets):
                ndiscard += 1
                continue
            used[b] = True
            row = np.full((buckets[b],), invalid_label, dtype=dtype)
            row[:len(sentence)] = sentence
            per_bucket[b].append(row)
        buckets = [length for length, u in zip(buckets, used) if u]
        self.data = [np.asarray(rows, dtype=dtype) for rows in per_bucket if rows]

        print('WARNING: discarded %d sentences longer than the largest bucket.' % ndiscard)

        self.batch_size = batch_size
        self.buckets = buckets
        self.data_name = data_name
        self.label_name = label_name
        self.dtype = dtype
        self.invalid_label = invalid_label
        self.nddata = []
        self.ndlabel = []
        self.major_axis = layout.find('N')
        self.layout = layout
        self.default_bucket_key = max(buckets)

        if self.major_axis == 0:
            shape = (batch_size, self.default_bucket_key)
        elif self.major_axis == 1:
            shape = (self.default_bucket_key, batch_size)
        else:
            raise ValueError('Invalid layout %s: Must by NT (batch major) or TN (time major)'
                             % layout)
        self.provide_data = [DataDesc(name=self.data_name, shape=shape, layout=self.layout)]
        self.provide_label = [DataDesc(name=self.label_name, shape=shape, layout=self.layout)]

        self.idx = []
        for i, rows in enumerate(self.data):
            self.idx.extend((i, j) for j in range(0, len(rows) - batch_size + 1, batch_size))
        self.curr_idx = 0
        self.reset()

    def reset(self):
        """Back to the start; reshuffles the batch order and the sentences in each bucket."""
        self.curr_idx = 0
        random.shuffle(self.idx)
        for rows in self.data:
            np.random.shuffle(rows)
        self.nddata = []
        self.ndlabel = []
        for rows in self.data:
            label = np.empty_like(rows)
            label[:, :-1] = rows[:, 1:]
            label[:, -1] = self.invalid_label
            self.nddata.append(ndarray.array(rows, dtype=self.dtype))
            self.ndlabel.append(ndarray.array(label, dtype=self.dtype))

    def next(self):
        """The next batch (a DataBatch with ``bucket_key`` set)."""
        if self.curr_idx == len(self.idx):
            raise StopIteration
        i, j = self.idx[self.curr_idx]
        self.curr_idx += 1
        data = self.nddata[i][j:j + self.batch_size]
        label = self.ndlabel[i][j:j + self.batch_size]
        if self.major_axis == 1:
            data, label = data.T, label.T
        return DataBatch([data], [label], pad=0, bucket_key=self.buckets[i],
                         provide_data=[DataDesc(name=self.data_name, shape=data.shape,
                                                layout=self.layout)],
                         provide_label=[DataDesc(name=self.label_name, shape=label.shape,
                                                 layout=self.layout)])
