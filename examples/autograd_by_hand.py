import numpy as np

import glassnet as gn
from glassnet import ops

X = gn.Tensor([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
y = gn.Tensor([[0], [1], [1], [0]], dtype="float32")  # XOR
rng = np.random.default_rng(0)
W1 = gn.Tensor(rng.normal(0, 1, (2, 8)), dtype="float32", requires_grad=True)
W2 = gn.Tensor(rng.normal(0, 1, (8, 1)), dtype="float32", requires_grad=True)
b1, b2 = (gn.Tensor(np.zeros(n), dtype="float32", requires_grad=True) for n in (8, 1))
for step in range(500):
    logits = ops.tanh(X @ W1 + b1) @ W2 + b2
    loss = ops.mean(ops.binary_crossentropy(y, logits, from_logits=True))
    loss.backward()  # fills .grad of W1, b1, W2, b2
    for p in (W1, b1, W2, b2):
        p.data -= 0.5 * p.grad  # plain gradient descent
        p.grad = None
print(f"loss {loss.item():.4f}, predictions {ops.sigmoid(logits).numpy().ravel().round(2)}")
