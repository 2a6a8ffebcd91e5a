"""The main job: train a LeNet on scikit-learn's handwritten digits (ships with scikit-learn, no
download) with Gluon, printing loss and accuracy every epoch and the final test accuracy.

The script uses only MXNet 1.9.1's public API, so the same file runs unchanged under real MXNet
(that is how the two implementations' accuracies are compared):

    python examples/train.py                 # remx
    .refmx/bin/python examples/train.py      # MXNet 1.9.1, for comparison
"""
import argparse
import time

import numpy as np

import mxnet as mx
from mxnet import autograd, gluon, nd
from mxnet.gluon import nn


def load_digits(seed):
    """8x8 grey digits as (N, 1, 8, 8) float32 in [0, 1], split 80/20 by a seeded shuffle."""
    from sklearn.datasets import load_digits as _load
    d = _load()
    x = (d.images / 16.0).astype(np.float32)[:, None, :, :]
    y = d.target.astype(np.float32)
    idx = np.random.RandomState(seed).permutation(len(x))
    cut = int(0.8 * len(x))
    return (x[idx[:cut]], y[idx[:cut]]), (x[idx[cut:]], y[idx[cut:]])


def lenet():
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Conv2D(channels=16, kernel_size=3, padding=1, activation='relu'),
                nn.MaxPool2D(pool_size=2, strides=2),
                nn.Conv2D(channels=32, kernel_size=3, padding=1, activation='relu'),
                nn.MaxPool2D(pool_size=2, strides=2),
                nn.Flatten(),
                nn.Dense(120, activation='relu'),
                nn.Dense(84, activation='relu'),
                nn.Dense(10))
    return net


def accuracy(net, loader, ctx):
    correct, total = 0, 0
    for x, y in loader:
        out = net(x.as_in_context(ctx))
        pred = out.argmax(axis=1)
        correct += int((pred == y.as_in_context(ctx)).sum().asscalar())
        total += y.shape[0]
    return correct / total


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--epochs', type=int, default=8)
    ap.add_argument('--batch-size', type=int, default=64)
    ap.add_argument('--lr', type=float, default=0.002)
    ap.add_argument('--seed', type=int, default=42)
    ap.add_argument('--hybridize', action='store_true')
    args = ap.parse_args()

    mx.random.seed(args.seed)
    np.random.seed(args.seed)
    ctx = mx.cpu()
    (xtr, ytr), (xte, yte) = load_digits(args.seed)
    train = gluon.data.DataLoader(gluon.data.ArrayDataset(xtr, ytr), batch_size=args.batch_size,
                                  shuffle=True)
    test = gluon.data.DataLoader(gluon.data.ArrayDataset(xte, yte), batch_size=256)

    net = lenet()
    net.initialize(mx.init.Xavier(), ctx=ctx)
    if args.hybridize:
        net.hybridize()
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), 'adam', {'learning_rate': args.lr})

    print('MXNet API %s; LeNet on sklearn digits: %d train / %d test images'
          % (mx.__version__, len(xtr), len(xte)))
    start = time.time()
    for epoch in range(args.epochs):
        total_loss, n = 0.0, 0
        for x, y in train:
            x, y = x.as_in_context(ctx), y.as_in_context(ctx)
            with autograd.record():
                loss = loss_fn(net(x), y)
            loss.backward()
            trainer.step(x.shape[0])
            total_loss += loss.sum().asscalar()
            n += x.shape[0]
        print('epoch %d  loss %.4f  train acc %.3f  test acc %.3f'
              % (epoch + 1, total_loss / n, accuracy(net, train, ctx), accuracy(net, test, ctx)))
    elapsed = time.time() - start
    print('final test accuracy %.4f (%d epochs, %.1fs, %.0f samples/s)'
          % (accuracy(net, test, ctx), args.epochs, elapsed, args.epochs * len(xtr) / elapsed))


if __name__ == '__main__':
    main()
