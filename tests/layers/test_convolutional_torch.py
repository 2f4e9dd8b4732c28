"""Conv2DTranspose, DepthwiseConv2D and SeparableConv2D on random values against PyTorch, in
float64: outputs and the gradients of the input, the kernels and the bias (issue 16: their
layer tests checked shapes on zeros only). Keras's weight layouts are mapped to PyTorch's here:

- Conv2DTranspose kernel (kh, kw, filters, in) -> conv_transpose2d weight (in, filters, kh, kw);
- DepthwiseConv2D kernel (kh, kw, in, multiplier) -> conv2d weight (in * multiplier, 1, kh, kw)
  with groups=in (output channel c * multiplier + m, as TensorFlow orders them);
- SeparableConv2D: that depthwise step, then a 1x1 convolution with the pointwise kernel
  (1, 1, in * multiplier, filters) -> (filters, in * multiplier, 1, 1), then the bias.
"""

import numpy as np
import pytest

from glassnet import Tensor, layers

torch = pytest.importorskip("torch")
conv2d, conv_transpose2d = torch.nn.functional.conv2d, torch.nn.functional.conv_transpose2d

rng = np.random.default_rng(0)


def to_torch(array):
    return torch.tensor(array, requires_grad=True)


def nchw(x):
    return x.permute(0, 3, 1, 2)


def compare(layer, x, torch_forward, weight_names):
    """Forward and backward of ``layer`` on ``x`` against ``torch_forward(x, *weights)``."""
    inputs = Tensor(x, requires_grad=True)
    out = layer(inputs)
    upstream = rng.standard_normal(out.shape)
    (out * upstream).sum().backward()
    torch_x = to_torch(x)
    torch_weights = [to_torch(getattr(layer, name).data) for name in weight_names]
    expected = torch_forward(torch_x, *torch_weights)
    (expected * torch.tensor(upstream)).sum().backward()
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(inputs.grad, torch_x.grad.numpy(), rtol=1e-10, atol=1e-12)
    for name, weight in zip(weight_names, torch_weights):
        np.testing.assert_allclose(
            getattr(layer, name).grad, weight.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg=name
        )


@pytest.mark.parametrize(
    "kernel_size,strides,padding",
    [((3, 2), (2, 3), "valid"), (3, 1, "same"), ((2, 3), (1, 2), "valid"), (2, 3, "valid")],
)
def test_conv2d_transpose_equals_pytorch(float64, kernel_size, strides, padding):
    layer = layers.Conv2DTranspose(4, kernel_size, strides=strides, padding=padding)
    x = rng.standard_normal((2, 4, 5, 3))
    layer.build(x.shape)
    layer.bias.assign(rng.standard_normal(4))
    size = (kernel_size,) * 2 if isinstance(kernel_size, int) else kernel_size
    step = (strides,) * 2 if isinstance(strides, int) else strides
    torch_padding = tuple(k // 2 for k in size) if padding == "same" else 0  # odd kernels
    # Keras's "valid" output is input * stride + max(kernel - stride, 0) long: a kernel smaller
    # than its stride leaves the last stride - kernel rows empty, PyTorch's output_padding
    extra = tuple(max(s - k, 0) for s, k in zip(step, size)) if padding == "valid" else 0

    def forward(x, kernel, bias):
        out = conv_transpose2d(
            nchw(x),
            kernel.permute(3, 2, 0, 1),
            bias,
            stride=strides,
            padding=torch_padding,
            output_padding=extra,
        )
        return out.permute(0, 2, 3, 1)

    compare(layer, x, forward, ["kernel", "bias"])


@pytest.mark.parametrize(
    "multiplier,strides,dilation,padding",
    [(1, 1, 1, "valid"), (2, 2, 1, "valid"), (3, 1, 2, "valid"), (2, 1, 1, "same")],
)
def test_depthwise_conv2d_equals_pytorch(float64, multiplier, strides, dilation, padding):
    layer = layers.DepthwiseConv2D(
        3, strides=strides, depth_multiplier=multiplier, dilation_rate=dilation, padding=padding
    )
    x = rng.standard_normal((2, 7, 6, 3))
    layer.build(x.shape)
    layer.bias.assign(rng.standard_normal(3 * multiplier))

    def forward(x, kernel, bias):
        weight = kernel.reshape(3, 3, 3 * multiplier, 1).permute(2, 3, 0, 1)
        out = conv2d(
            nchw(x),
            weight,
            bias,
            stride=strides,
            dilation=dilation,
            groups=3,
            padding=1 if padding == "same" else 0,
        )
        return out.permute(0, 2, 3, 1)

    compare(layer, x, forward, ["kernel", "bias"])


@pytest.mark.parametrize(
    "multiplier,strides,dilation,activation",
    [(1, 1, 1, None), (2, 2, 1, "relu"), (2, 1, 2, "tanh")],
)
def test_separable_conv2d_equals_pytorch(float64, multiplier, strides, dilation, activation):
    layer = layers.SeparableConv2D(
        5,
        3,
        strides=strides,
        depth_multiplier=multiplier,
        dilation_rate=dilation,
        activation=activation,
    )
    x = rng.standard_normal((2, 8, 7, 3))
    layer.build(x.shape)
    layer.bias.assign(rng.standard_normal(5))
    act = {None: lambda t: t, "relu": torch.relu, "tanh": torch.tanh}[activation]

    def forward(x, depthwise, pointwise, bias):
        depth = conv2d(
            nchw(x),
            depthwise.reshape(3, 3, 3 * multiplier, 1).permute(2, 3, 0, 1),
            stride=strides,
            dilation=dilation,
            groups=3,
        )
        out = conv2d(depth, pointwise.permute(3, 2, 0, 1), bias)
        return act(out).permute(0, 2, 3, 1)

    compare(layer, x, forward, ["depthwise_kernel", "pointwise_kernel", "bias"])
