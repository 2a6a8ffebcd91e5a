"""The main job: a short training run on data that needs no download.

Linear regression y = X w + b + noise (the seed tutorial's example), trained with NDArray +
autograd and hand-written minibatch SGD. Prints the loss every epoch; it must go down.
"""
import argparse
import time

import mxnet as mx
from mxnet import nd, autograd


def data_iter(batch_size, features, labels):
    n = features.shape[0]
    idx = nd.arange(n)
    nd.random.shuffle(idx, out=idx)
    for i in range(0, n, batch_size):
        j = idx[i:min(i + batch_size, n)]
        yield features.take(j), labels.take(j)


def sgd(params, lr, batch_size):
    for param in params:
        param[:] = param - lr * param.grad / batch_size


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--epochs', type=int, default=5)
    ap.add_argument('--batch-size', type=int, default=10)
    ap.add_argument('--lr', type=float, default=0.03)
    ap.add_argument('--seed', type=int, default=42)
    args = ap.parse_args()

    mx.random.seed(args.seed)
    num_inputs, num_examples = 2, 1000
    true_w, true_b = [2, -3.4], 4.2
    features = nd.random.normal(scale=1, shape=(num_examples, num_inputs))
    labels = true_w[0] * features[:, 0] + true_w[1] * features[:, 1] + true_b
    labels += nd.random.normal(scale=0.01, shape=labels.shape)

    w = nd.random.normal(scale=0.01, shape=(num_inputs, 1))
    b = nd.zeros((1,))
    for p in (w, b):
        p.attach_grad()

    def net(X):
        return nd.dot(X, w) + b

    def squared_loss(y_hat, y):
        return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2

    start = time.time()
    for epoch in range(args.epochs):
        for X, y in data_iter(args.batch_size, features, labels):
            with autograd.record():
                loss = squared_loss(net(X), y)
            loss.backward()
            sgd([w, b], args.lr, args.batch_size)
        train_l = squared_loss(net(features), labels)
        print('epoch %d, loss %.6f' % (epoch + 1, train_l.mean().asscalar()))
    print('learned w %s (true %s), b %.4f (true %.1f); %.2fs'
          % (w.reshape((-1,)).asnumpy().round(4).tolist(), true_w, b.asscalar(), true_b,
             time.time() - start))


if __name__ == '__main__':
    main()
