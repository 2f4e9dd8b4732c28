"""Image ops under ``keras.ops.image`` names: resizing, geometric warps, colour spaces, patches.

Where Keras's default (TensorFlow) backend defines the numbers, these follow it: resizing uses
half-pixel centres, ``affine_transform`` maps each *output* pixel through the transform to the
input pixel it reads (TensorFlow's ``ImageProjectiveTransformV3`` convention), and the fill modes
treat out-of-range coordinates as TensorFlow does.

Two primitives carry the gradients. A resize or ``scale_and_translate`` along one axis is a
linear map, so each is a (output size, input size) weight matrix applied with ``einsum``; the
gradient flows back through the same matrices. Warps (affine, perspective, ``map_coordinates``,
elastic) read each output value as a weighted sum of a few input pixels, which
``_weighted_reads`` computes, with its backward (scatter-add of the weighted output gradient)
right under it. Colour conversions and SSIM are composed from elementwise ops.

Images are ``(batch, height, width, channels)`` ("channels_last", the default) or
``(batch, channels, height, width)``; a single image drops the batch axis.
"""

import math

from glassnet.autograd.tensor import Tensor, as_tensor, from_op
from glassnet.backend import config, get_generator, xp
from glassnet.ops.conv import conv2d, depthwise_conv2d
from glassnet.ops.elementwise import abs as absolute
from glassnet.ops.elementwise import (
    add,
    cast,
    clip,
    divide,
    maximum,
    minimum,
    multiply,
    subtract,
    where,
)
from glassnet.ops.linalg import einsum
from glassnet.ops.manipulation import (
    expand_dims,
    getitem,
    pad,
    reshape,
    squeeze,
    stack,
    take,
    transpose,
)
from glassnet.ops.operation import keras_op
from glassnet.ops.reduction import mean
from glassnet.ops.reduction import sum as reduce_sum

RESIZE_INTERPOLATIONS = ("bilinear", "nearest", "lanczos3", "lanczos5", "bicubic", "area")
AFFINE_TRANSFORM_INTERPOLATIONS = ("nearest", "bilinear")
AFFINE_TRANSFORM_FILL_MODES = ("constant", "nearest", "wrap", "reflect")
MAP_COORDINATES_FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")
SCALE_AND_TRANSLATE_METHODS = (
    "linear",
    "bilinear",
    "trilinear",
    "cubic",
    "bicubic",
    "tricubic",
    "lanczos3",
    "lanczos5",
)
_GRAYSCALE_WEIGHTS = (0.2989, 0.5870, 0.1140)  # ITU-R 601 luma, as tf.image.rgb_to_grayscale


# -- shared helpers --------------------------------------------------------------------------------
def standardize_data_format(data_format, where="ops.image"):
    """'channels_last' or 'channels_first'; None means the configured image data format.

    Args:
        data_format: "channels_last", "channels_first" (any case) or None.
        where: the caller's name, for the ValueError raised on any other value.

    Example:

    >>> standardize_data_format("Channels_First")
    'channels_first'
    """
    if data_format is None:
        reader = getattr(config, "image_data_format", None)
        data_format = reader() if reader is not None else "channels_last"
    data_format = str(data_format).lower()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            f"{where}: data_format must be 'channels_last' or 'channels_first', got {data_format!r}"
        )
    return data_format


def _images(images, where, ranks=(3, 4)):
    images = as_tensor(images, where=where)
    if images.ndim not in ranks:
        expected = " or ".join(str(r) for r in ranks)
        raise ValueError(
            f"{where}: expected images of rank {expected} (a single image or a batch), "
            f"got shape {images.shape}"
        )
    return images


def _as_batch_channels_last(images, data_format):
    """(images as a (B, H, W, C) tensor, a function that undoes the reshaping on a result)."""
    unbatched = images.ndim == 3
    if unbatched:
        images = expand_dims(images, 0)
    if data_format == "channels_first":
        images = transpose(images, (0, 2, 3, 1))

    def restore(result):
        if data_format == "channels_first":
            result = transpose(result, (0, 3, 1, 2))
        return squeeze(result, 0) if unbatched else result

    return images, restore


def _float_dtype(dtype):
    return dtype if xp.dtype(dtype).kind == "f" else xp.dtype("float32")


def _saturate_cast(values, dtype):
    """Float tensor -> ``dtype``: integers are rounded and clipped into the dtype's range."""
    dtype = xp.dtype(dtype)
    if values.dtype == dtype:
        return values
    if dtype.kind in "iu":
        info = xp.iinfo(dtype)
        rounded = xp.clip(xp.round(values.data), info.min, info.max)
        return Tensor(rounded.astype(dtype))
    if dtype.kind == "b":
        return Tensor(values.data.astype(dtype))
    return cast(values, dtype)


# -- the gather primitive of the warps -------------------------------------------------------------
def _weighted_reads(table, reads, fill_value=0.0):
    """out[..., c] = sum over reads of weight * table[index, c]; index -1 reads ``fill_value``.

    table: (rows, channels) tensor; reads: list of (index, weight) arrays of one shape S (int64
    row numbers, -1 outside the input; float weights). Returns a tensor of shape S + (channels,).
    Only ``table`` is differentiated: sampling positions are constants, as in Keras.
    """
    data = table.data
    out = xp.zeros(reads[0][0].shape + data.shape[1:], dtype=data.dtype)
    for index, weight in reads:
        inside = index >= 0
        values = data[xp.where(inside, index, 0)]
        values = xp.where(inside[..., None], values, xp.asarray(fill_value, dtype=data.dtype))
        out += weight.astype(data.dtype)[..., None] * values

    def backward(grad_output):  # dL/dtable[index] += weight * g, for each read inside the input
        grad = xp.zeros_like(data)
        for index, weight in reads:
            inside = index >= 0
            contribution = weight.astype(grad.dtype)[..., None] * grad_output
            xp.add.at(grad, index[inside], contribution[inside])
        return (grad,)

    return from_op(out, (table,), backward)


def _read_weights_and_cast(images_bhwc, reads, fill_value):
    """Sample (B, H, W, C) images at precomputed reads; integer images keep their dtype."""
    batch, height, width, channels = images_bhwc.shape
    source = images_bhwc if images_bhwc.dtype.kind == "f" else cast(images_bhwc, "float32")
    table = reshape(source, (batch * height * width, channels))
    out = _weighted_reads(table, reads, fill_value)
    if images_bhwc.dtype.kind != "f":
        out = Tensor(out.data.astype(images_bhwc.dtype))  # truncation, as TensorFlow's cast
    return out


def _round_half_away(values):
    return xp.sign(values) * xp.floor(xp.abs(values) + 0.5)


def _fold_coordinate(coord, length, fill_mode):
    """Map input coordinates outside [0, length - 1] back inside, TensorFlow's way per mode."""
    if fill_mode == "constant":
        return coord
    if fill_mode == "nearest":
        return xp.clip(coord, 0, length - 1)
    if length <= 1:
        return xp.zeros_like(coord)
    out = coord.copy()
    low, high = coord < 0, coord > length - 1
    if fill_mode == "reflect":  # (d c b a | a b c d | d c b a)
        period = 2 * length
        c = coord[low]
        c = period * xp.trunc(-c / period) + c
        out[low] = xp.where(c < -length, c + period, -c - 1)
        c = coord[high]
        c = c - period * xp.trunc(c / period)
        out[high] = xp.where(c >= length, period - c - 1, c)
    elif fill_mode == "wrap":  # (a b c d | a b c d | a b c d)
        span = length - 1
        c = coord[low]
        out[low] = c + length * (xp.trunc(-c / span) + 1)
        c = coord[high]
        out[high] = c - length * xp.trunc(c / span)
    return xp.clip(out, 0, length - 1)


def _projective_reads(transforms, batch, height, width, interpolation, fill_mode):
    """Reads (row index into the flattened (B*H*W) image, weight) of a projective warp.

    transforms: (B, 8) float32 [a0, a1, a2, b0, b1, b2, c0, c1]; output pixel (x, y) reads input
    point ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k) with k = c0 x + c1 y + 1.
    """
    t = transforms.astype(xp.float32)[:, :, None, None]
    ys, xs = xp.meshgrid(
        xp.arange(height, dtype=xp.float32), xp.arange(width, dtype=xp.float32), indexing="ij"
    )
    projection = t[:, 6] * xs + t[:, 7] * ys + xp.float32(1)
    degenerate = projection == 0
    safe = xp.where(degenerate, xp.float32(1), projection)
    x_in = (t[:, 0] * xs + t[:, 1] * ys + t[:, 2]) / safe
    y_in = (t[:, 3] * xs + t[:, 4] * ys + t[:, 5]) / safe
    x_in = _fold_coordinate(x_in, width, fill_mode)
    y_in = _fold_coordinate(y_in, height, fill_mode)
    batch_index = xp.arange(batch)[:, None, None]

    def read(y, x, weight):
        y, x = y.astype(xp.int64), x.astype(xp.int64)
        inside = (y >= 0) & (y < height) & (x >= 0) & (x < width) & ~degenerate
        index = xp.where(inside, (batch_index * height + y) * width + x, -1)
        return index, weight

    if interpolation == "nearest":
        one = xp.ones(x_in.shape, dtype=xp.float32)
        return [read(_round_half_away(y_in), _round_half_away(x_in), one)]
    y0, x0 = xp.floor(y_in), xp.floor(x_in)
    wy, wx = y_in - y0, x_in - x0
    return [
        read(y0, x0, (1 - wy) * (1 - wx)),
        read(y0, x0 + 1, (1 - wy) * wx),
        read(y0 + 1, x0, wy * (1 - wx)),
        read(y0 + 1, x0 + 1, wy * wx),
    ]


def _check_choice(value, choices, name, where):
    if value not in choices:
        raise ValueError(f"{where}: {name} must be one of {choices}, got {value!r}")


# -- colour ----------------------------------------------------------------------------------------
@keras_op
def rgb_to_grayscale(images, data_format=None):
    """Luma of RGB images (0.2989 R + 0.5870 G + 0.1140 B), keeping a channel axis of size 1.

    Args:
        images: (B, H, W, 3) or (H, W, 3) (channels_first: channels before height); an image
            that already has one channel comes back unchanged.
        data_format: "channels_last" or "channels_first"; None means the configured default.

    Returns:
        Tensor of the input's shape with 1 channel and the input's dtype (integers truncated).

    Example:

    >>> import numpy as np
    >>> from glassnet.ops import image
    >>> image.rgb_to_grayscale(np.array([[[1.0, 1.0, 1.0]]])).shape
    (1, 1, 1)
    """
    where_ = "ops.image.rgb_to_grayscale"
    data_format = standardize_data_format(data_format, where_)
    images = _images(images, where_)
    channel_axis = -1 if data_format == "channels_last" else -3
    if images.shape[channel_axis] not in (1, 3):
        raise ValueError(
            f"{where_}: expected 3 (RGB) or 1 (grayscale) channels, got shape {images.shape}"
        )
    if images.shape[channel_axis] == 1:
        return images
    compute = images if images.dtype.kind == "f" else cast(images, "float32")
    shape = [1] * images.ndim
    shape[channel_axis] = 3
    weights = Tensor(xp.asarray(_GRAYSCALE_WEIGHTS, dtype=compute.dtype).reshape(shape))
    gray = reduce_sum(multiply(compute, weights), axis=channel_axis, keepdims=True)
    if images.dtype.kind != "f":
        return Tensor(gray.data.astype(images.dtype))
    return gray


def _check_float(images, where):
    if images.dtype.kind != "f":
        raise ValueError(f"{where}: expected float images, got dtype {images.dtype}")


def _split_channels(images, data_format):
    axis = -1 if data_format == "channels_last" else -3
    index = [slice(None)] * images.ndim
    parts = []
    for channel in range(3):
        index[axis] = channel
        parts.append(getitem(images, tuple(index)))
    return parts, axis


@keras_op
def rgb_to_hsv(images, data_format=None):
    """RGB in [0, 1] -> HSV, each in [0, 1] (hue as a fraction of a turn), as tf.image does.

    Args:
        images: float (B, H, W, 3) or (H, W, 3) (channels_first: channels before height).
        data_format: "channels_last" or "channels_first"; None means the configured default.

    Returns:
        Tensor of the same shape and dtype: hue, saturation, value.

    Example:

    >>> import numpy as np
    >>> from glassnet.ops import image
    >>> image.rgb_to_hsv(np.array([[[1.0, 0.0, 0.0]]], dtype="float32"))
    Tensor([[[0., 1., 1.]]], dtype=float32)
    """
    where_ = "ops.image.rgb_to_hsv"
    data_format = standardize_data_format(data_format, where_)
    images = _images(images, where_)
    _check_float(images, where_)
    (red, green, blue), axis = _split_channels(images, data_format)
    value = maximum(maximum(red, green), blue)
    low = minimum(minimum(red, green), blue)
    spread = subtract(value, low)
    positive = value.data > 0
    saturation = where(positive, divide(spread, where(positive, value, 1.0)), 0.0)
    has_spread = spread.data > 0
    sixth = divide(1.0 / 6.0, where(has_spread, spread, 1.0))
    hue = where(
        red.data == value.data,
        multiply(sixth, subtract(green, blue)),
        where(
            green.data == value.data,
            add(multiply(sixth, subtract(blue, red)), 2.0 / 6.0),
            add(multiply(sixth, subtract(red, green)), 4.0 / 6.0),
        ),
    )
    hue = where(has_spread, hue, 0.0)
    hue = where(hue.data < 0, add(hue, 1.0), hue)
    return stack([hue, saturation, value], axis=axis)


@keras_op
def hsv_to_rgb(images, data_format=None):
    """HSV (each in [0, 1]) -> RGB, the inverse of ``rgb_to_hsv``, as tf.image does.

    Args:
        images: float (B, H, W, 3) or (H, W, 3) (channels_first: channels before height).
        data_format: "channels_last" or "channels_first"; None means the configured default.

    Returns:
        Tensor of the same shape and dtype: red, green, blue.

    Example:

    >>> import numpy as np
    >>> from glassnet.ops import image
    >>> image.hsv_to_rgb(np.array([[[0.0, 1.0, 1.0]]], dtype="float32"))
    Tensor([[[1., 0., 0.]]], dtype=float32)
    """
    where_ = "ops.image.hsv_to_rgb"
    data_format = standardize_data_format(data_format, where_)
    images = _images(images, where_)
    _check_float(images, where_)
    (hue, saturation, value), axis = _split_channels(images, data_format)
    # hue in sixths of a turn; as in TensorFlow, a hue outside [0, 1] is not wrapped
    turns = multiply(hue, 6.0)
    red = clip(subtract(absolute(subtract(turns, 3.0)), 1.0), 0.0, 1.0)
    green = clip(subtract(2.0, absolute(subtract(turns, 2.0))), 0.0, 1.0)
    blue = clip(subtract(2.0, absolute(subtract(turns, 4.0))), 0.0, 1.0)
    grey = subtract(1.0, saturation)
    channels = [multiply(value, add(grey, multiply(saturation, c))) for c in (red, green, blue)]
    return stack(channels, axis=axis)


# -- resizing --------------------------------------------------------------------------------------
def _triangle(x):
    return xp.maximum(0.0, 1.0 - x)


def _keys_cubic(x):
    inner = ((1.5 * x - 2.5) * x) * x + 1.0
    outer = ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
    return xp.where(x >= 2.0, 0.0, xp.where(x >= 1.0, outer, inner))


def _lanczos(radius):
    def kernel(x):
        with xp.errstate(divide="ignore", invalid="ignore"):
            value = radius * xp.sin(math.pi * x) * xp.sin(math.pi * x / radius)
            value = value / (math.pi**2 * x * x)
        return xp.where(x > radius, 0.0, xp.where(x <= 1e-3, 1.0, value))

    return kernel


_KERNELS = {
    "linear": _triangle,
    "cubic": _keys_cubic,
    "lanczos3": _lanczos(3.0),
    "lanczos5": _lanczos(5.0),
}


def scale_and_translate_weights(in_size, out_size, scale, translation, method, antialias):
    """The (out_size, in_size) matrix of one axis of ``scale_and_translate``.

    Output pixel o samples input position ((o + 0.5) - translation) / scale - 0.5 (half-pixel
    centres); input pixel i gets weight kernel(|sample - i| / kernel_scale), where kernel_scale
    widens the kernel by 1/scale when antialiasing a downscale. Weights are normalised to sum 1
    and rows whose sample falls outside the input are zero.

    Args:
        in_size: the number of input pixels along the axis.
        out_size: the number of output pixels along the axis.
        scale: output size per input size (2.0 doubles the axis).
        translation: the shift of the output, in output pixels.
        method: the kernel: "linear", "cubic", "lanczos3" or "lanczos5".
        antialias: widen the kernel when downscaling (scale < 1).

    Returns:
        float64 NumPy array (out_size, in_size).

    Example:

    >>> scale_and_translate_weights(2, 4, 2.0, 0.0, "linear", False).tolist()
    [[1.0, 0.0], [0.75, 0.25], [0.25, 0.75], [0.0, 1.0]]
    """
    kernel = _KERNELS[method]
    inv_scale = 1.0 / scale
    kernel_scale = max(inv_scale, 1.0) if antialias else 1.0
    sample = (xp.arange(out_size) + 0.5) * inv_scale - translation * inv_scale - 0.5
    distance = xp.abs(sample[:, None] - xp.arange(in_size)[None, :]) / kernel_scale
    weights = kernel(distance)
    total = weights.sum(axis=1, keepdims=True)
    usable = xp.abs(total) > 1000.0 * float(xp.finfo(xp.float32).eps)
    weights = xp.where(usable, weights / xp.where(total != 0, total, 1.0), 0.0)
    inside = (sample >= -0.5) & (sample <= in_size - 0.5)
    return xp.where(inside[:, None], weights, 0.0)


def _bicubic_weights(in_size, out_size):
    """TensorFlow's ResizeBicubic (half-pixel centres): Keys cubic (a = -0.5) at the sample's
    fractional offset rounded to 1/1024 (the kernel reads a 1024-step table), taps outside the
    image dropped and the rest renormalised."""
    scale = xp.float32(in_size) / xp.float32(out_size)
    sample = (xp.arange(out_size, dtype=xp.float32) + xp.float32(0.5)) * scale - xp.float32(0.5)
    base = xp.floor(sample)
    offset = xp.rint((sample - base) * 1024) / 1024.0
    weights = xp.zeros((out_size, in_size))
    taps = [(-1, _keys_cubic(1.0 + offset)), (0, _keys_cubic(offset))]
    taps += [(1, _keys_cubic(1.0 - offset)), (2, _keys_cubic(2.0 - offset))]
    rows = xp.arange(out_size)
    for shift, tap in taps:
        index = base.astype(xp.int64) + shift
        inside = (index >= 0) & (index < in_size)
        xp.add.at(weights, (rows[inside], index[inside]), tap[inside])
    return weights / weights.sum(axis=1, keepdims=True)


def _area_weights(in_size, out_size):
    """TensorFlow's ResizeArea: each output pixel averages the input interval it covers."""
    scale = xp.float32(in_size) / xp.float32(out_size)
    weights = xp.zeros((out_size, in_size))
    for row in range(out_size):  # the loop is over output positions of one axis, at build time
        start = xp.float32(row) * scale
        stop = xp.float32(row + 1) * scale
        for i in range(int(xp.floor(start)), int(xp.ceil(stop))):
            overlap = min(float(i + 1), float(stop)) - max(float(i), float(start))
            weights[row, min(max(i, 0), in_size - 1)] += overlap
    return weights / float(scale)


def _nearest_indices(in_size, out_size):
    """TensorFlow's ResizeNearestNeighbor (half-pixel centres): floor((o + 0.5) * in / out)."""
    scale = xp.float32(in_size) / xp.float32(out_size)
    index = xp.floor((xp.arange(out_size, dtype=xp.float32) + xp.float32(0.5)) * scale)
    return xp.clip(index.astype(xp.int64), 0, in_size - 1)


def resize_weights(in_size, out_size, interpolation, antialias):
    """The (out_size, in_size) weight matrix ``resize`` applies along one axis.

    Args:
        in_size: the number of input pixels along the axis.
        out_size: the number of output pixels along the axis.
        interpolation: one of ``resize``'s methods ("bilinear", "nearest", "bicubic", "area",
            "lanczos3", "lanczos5").
        antialias: widen the kernel when downscaling (ignored by "area" and "nearest").

    Returns:
        float64 NumPy array (out_size, in_size).

    Example:

    >>> resize_weights(4, 2, "area", False).tolist()
    [[0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 0.5, 0.5]]
    """
    if interpolation == "area":
        return _area_weights(in_size, out_size)
    if interpolation == "nearest":
        return (xp.arange(in_size)[None, :] == _nearest_indices(in_size, out_size)[:, None]) * 1.0
    if interpolation == "bicubic" and not antialias:
        return _bicubic_weights(in_size, out_size)
    method = {"bilinear": "linear", "bicubic": "cubic"}.get(interpolation, interpolation)
    return scale_and_translate_weights(
        in_size, out_size, out_size / in_size, 0.0, method, antialias
    )


def _crop_or_pad_to_aspect(images, size, crop, pad_, fill_value):
    """(B, H, W, C) images cropped (centred) or padded to the aspect ratio of ``size``."""
    _, height, width, _ = images.shape
    target_height, target_width = size
    f32 = xp.float32
    if crop:
        crop_height = int(f32(width * target_height) / f32(target_width))
        crop_height = max(min(height, crop_height), 1)
        crop_width = int(f32(height * target_width) / f32(target_height))
        crop_width = max(min(width, crop_width), 1)
        top = int(f32(height - crop_height) / 2)
        left = int(f32(width - crop_width) / 2)
        return getitem(
            images, (slice(None), slice(top, top + crop_height), slice(left, left + crop_width))
        )
    pad_height = max(height, int(f32(width * target_height) / f32(target_width)))
    pad_width = max(width, int(f32(height * target_width) / f32(target_height)))
    # the same number of rows (columns) on both sides, as Keras's TensorFlow backend pads
    top = int(f32(pad_height - height) / 2)
    left = int(f32(pad_width - width) / 2)
    return pad(images, ((0, 0), (top, top), (left, left), (0, 0)), constant_values=fill_value)


@keras_op
def resize(
    images,
    size,
    interpolation="bilinear",
    antialias=False,
    crop_to_aspect_ratio=False,
    pad_to_aspect_ratio=False,
    fill_mode="constant",
    fill_value=0.0,
    data_format=None,
):
    """Resize images to ``size`` = (height, width) with half-pixel centres.

    Args:
        images: (B, H, W, C) or (H, W, C) (channels_first: channels before height).
        size: (height, width) of the result.
        interpolation: "bilinear", "nearest", "bicubic" (Keys, a = -0.5), "area", "lanczos3"
            or "lanczos5".
        antialias: widen the kernel when downsampling (bilinear, bicubic, lanczos), so every
            input pixel contributes.
        crop_to_aspect_ratio: first crop the centred window with the target aspect ratio.
        pad_to_aspect_ratio: first pad evenly to the target aspect ratio with ``fill_value``.
        fill_mode: only "constant" (the padding of ``pad_to_aspect_ratio``).
        fill_value: the padding value.
        data_format: "channels_last" or "channels_first"; None means the configured default.

    Returns:
        Tensor with the new height and width and the input's dtype (integers rounded and
        clipped). Differentiable with respect to float images.

    Example:

    >>> import numpy as np
    >>> from glassnet.ops import image
    >>> image.resize(np.arange(4.0).reshape(1, 2, 2, 1), (4, 4))[0, :, :, 0]
    Tensor([[0.  , 0.25, 0.75, 1.  ],
            [0.5 , 0.75, 1.25, 1.5 ],
            [1.5 , 1.75, 2.25, 2.5 ],
            [2.  , 2.25, 2.75, 3.  ]], dtype=float64)
    """
    where_ = "ops.image.resize"
    _check_choice(interpolation, RESIZE_INTERPOLATIONS, "interpolation", where_)
    if fill_mode != "constant":
        raise ValueError(f"{where_}: only fill_mode='constant' is supported, got {fill_mode!r}")
    if len(size) != 2 or size[0] <= 0 or size[1] <= 0:
        raise ValueError(f"{where_}: size must be (height, width), both positive, got {size}")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError(f"{where_}: only one of crop_to_aspect_ratio and pad_to_aspect_ratio")
    data_format = standardize_data_format(data_format, where_)
    images = _images(images, where_)
    size = (int(size[0]), int(size[1]))
    original_dtype = images.dtype
    batch, restore = _as_batch_channels_last(images, data_format)
    if crop_to_aspect_ratio or pad_to_aspect_ratio:
        batch = _crop_or_pad_to_aspect(
            batch, size, crop_to_aspect_ratio, pad_to_aspect_ratio, fill_value
        )
    _, height, width, _ = batch.shape
    if interpolation == "nearest":
        rows = take(batch, _nearest_indices(height, size[0]), axis=1)
        return restore(take(rows, _nearest_indices(width, size[1]), axis=2))
    # integer images resize in float64, so values exactly halfway round as TensorFlow's do
    compute_dtype = original_dtype if original_dtype.kind == "f" else xp.dtype("float64")
    source = batch if batch.dtype == compute_dtype else cast(batch, compute_dtype)
    rows = Tensor(resize_weights(height, size[0], interpolation, antialias).astype(compute_dtype))
    cols = Tensor(resize_weights(width, size[1], interpolation, antialias).astype(compute_dtype))
    resized = einsum("ph,bhwc,qw->bpqc", rows, source, cols)
    return restore(_saturate_cast(resized, original_dtype))


@keras_op
def scale_and_translate(
    images, output_shape, scale, translation, spatial_dims, method, antialias=True
):
    """Resample ``images`` so input location x lands at x * scale + translation (per spatial dim).

    Args:
        images: any-rank array; ``spatial_dims`` name the axes to resample.
        output_shape: the full output shape (the other axes keep their size).
        scale, translation: one number per spatial dim.
        spatial_dims: the axes to resample.
        method: "linear"/"bilinear"/"trilinear", "cubic"/"bicubic"/"tricubic" (Keys),
            "lanczos3" or "lanczos5".
        antialias: widen the kernel when downscaling.

    Returns:
        Tensor of ``output_shape``; samples outside the input are 0. Integer inputs are rounded
        and clipped to the input's range.

    Example:

    >>> import numpy as np
    >>> from glassnet.ops import image
    >>> image.scale_and_translate(np.array([1.0, 2.0]), (4,), [2.0], [0.0], [0], "linear")
    Tensor([1.  , 1.25, 1.75, 2.  ], dtype=float64)
    """
    where_ = "ops.image.scale_and_translate"
    _check_choice(method, SCALE_AND_TRANSLATE_METHODS, "method", where_)
    method = {"bilinear": "linear", "trilinear": "linear", "triangle": "linear"}.get(method, method)
    method = {"bicubic": "cubic", "tricubic": "cubic"}.get(method, method)
    x = as_tensor(images, where=where_)
    original = x
    compute = x if x.dtype.kind == "f" else cast(x, "float32")
    letters = "abcdefghijklmnopqrstuvwxyz"[: x.ndim]
    for i, dim in enumerate(spatial_dims):
        dim = dim % x.ndim
        weights = scale_and_translate_weights(
            x.shape[dim],
            int(output_shape[dim]),
            float(xp.asarray(scale, dtype=xp.float64)[i]),
            float(xp.asarray(translation, dtype=xp.float64)[i]),
            method,
            antialias,
        )
        matrix = Tensor(weights.astype(compute.dtype))
        out_letters = letters[:dim] + "Z" + letters[dim + 1 :]
        compute = einsum(f"Z{letters[dim]},{letters}->{out_letters}", matrix, compute)
    if original.dtype.kind in "iu":
        low, high = original.data.min(), original.data.max()
        return Tensor(xp.clip(xp.round(compute.data), low, high).astype(original.dtype))
    return compute


# -- warps -----------------------------------------------------------------------------------------
@keras_op
def affine_transform(
    images,
    transform,
    interpolation="bilinear",
    fill_mode="constant",
    fill_value=0,
    data_format=None,
):
    """Warp images by projective transforms that map each output pixel to the input pixel it reads.

    Args:
        images: (B, H, W, C) or (H, W, C) (channels_first: channels before height).
        transform: (8,) or (B, 8): [a0, a1, a2, b0, b1, b2, c0, c1]; output point (x, y) reads
            the input at ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k), k = c0 x + c1 y + 1.
        interpolation: "bilinear" or "nearest".
        fill_mode: "constant", "nearest", "wrap" or "reflect": how points outside the input read.
        fill_value: the value read outside the input with fill_mode="constant".
        data_format: "channels_last" or "channels_first"; None means the configured default.

    Returns:
        Tensor of the images' shape and dtype; differentiable with respect to float images.

    Example:

    >>> import numpy as np
    >>> from glassnet.ops import image
    >>> shift_right = [1, 0, -1, 0, 1, 0, 0, 0]  # output x reads input x - 1
    >>> image.affine_transform(np.arange(3.0).reshape(1, 3, 1), shift_right)[0, :, 0]
    Tensor([0., 0., 1.], dtype=float64)
    """
    where_ = "ops.image.affine_transform"
    _check_choice(interpolation, AFFINE_TRANSFORM_INTERPOLATIONS, "interpolation", where_)
    _check_choice(fill_mode, AFFINE_TRANSFORM_FILL_MODES, "fill_mode", where_)
    data_format = standardize_data_format(data_format, where_)
    images = _images(images, where_)
    transform = xp.asarray(getattr(transform, "data", transform), dtype=xp.float32)
    if transform.ndim not in (1, 2) or transform.shape[-1] != 8:
        raise ValueError(
            f"{where_}: transform must have shape (8,) or (batch, 8), got {transform.shape}"
        )
    batch, restore = _as_batch_channels_last(images, data_format)
    transforms = xp.broadcast_to(transform.reshape(-1, 8), (batch.shape[0], 8))
    reads = _projective_reads(
        transforms, batch.shape[0], batch.shape[1], batch.shape[2], interpolation, fill_mode
    )
    out = _read_weights_and_cast(batch, reads, fill_value)
    return restore(out)


def compute_homography_matrix(start_points, end_points):
    """The (B, 8) projective transforms that map each ``end_points`` quad onto ``start_points``.

    Args:
        start_points, end_points: (B, 4, 2) or (4, 2) corner (x, y) coordinates.

    Returns:
        NumPy array (B, 8), float32, in ``affine_transform``'s layout.

    Example:

    >>> start = [[0, 0], [2, 0], [0, 2], [2, 2]]
    >>> moved_right = [[1, 0], [3, 0], [1, 2], [3, 2]]
    >>> (compute_homography_matrix(start, moved_right).round(4) + 0.0).tolist()
    [[1.0, 0.0, -1.0, 0.0, 1.0, 0.0, 0.0, 0.0]]
    """
    start = xp.asarray(start_points, dtype=xp.float64).reshape(-1, 4, 2)
    end = xp.asarray(end_points, dtype=xp.float64).reshape(-1, 4, 2)
    batch = start.shape[0]
    coefficients = xp.zeros((batch, 8, 8))
    for corner in range(4):
        ex, ey = end[:, corner, 0], end[:, corner, 1]
        sx, sy = start[:, corner, 0], start[:, corner, 1]
        coefficients[:, 2 * corner, 0:3] = xp.stack([ex, ey, xp.ones(batch)], axis=-1)
        coefficients[:, 2 * corner, 6:8] = xp.stack([-sx * ex, -sx * ey], axis=-1)
        coefficients[:, 2 * corner + 1, 3:6] = xp.stack([ex, ey, xp.ones(batch)], axis=-1)
        coefficients[:, 2 * corner + 1, 6:8] = xp.stack([-sy * ex, -sy * ey], axis=-1)
    targets = start.reshape(batch, 8)[..., None]
    return xp.linalg.solve(coefficients, targets)[..., 0].astype(xp.float32)


@keras_op
def perspective_transform(
    images, start_points, end_points, interpolation="bilinear", fill_value=0, data_format=None
):
    """Warp images so the quadrilateral ``start_points`` moves to ``end_points``.

    Args:
        images: (B, H, W, C) or (H, W, C) (channels_first: channels before height).
        start_points, end_points: (4, 2) or (B, 4, 2) corner (x, y) coordinates (top-left,
            top-right, bottom-left, bottom-right).
        interpolation: "bilinear" or "nearest".
        fill_value: the value of output pixels that read outside the input.
        data_format: "channels_last" or "channels_first"; None means the configured default.

    Returns:
        Tensor of the images' shape and dtype; differentiable with respect to float images.

    Example:

    >>> import numpy as np
    >>> from glassnet.ops import image
    >>> corners = [[0, 0], [2, 0], [0, 2], [2, 2]]
    >>> x = np.arange(9.0).reshape(3, 3, 1)
    >>> bool((image.perspective_transform(x, corners, corners).numpy() == x).all())
    True
    """
    where_ = "ops.image.perspective_transform"
    _check_choice(interpolation, AFFINE_TRANSFORM_INTERPOLATIONS, "interpolation", where_)
    data_format = standardize_data_format(data_format, where_)
    images = _images(images, where_)
    start = xp.asarray(getattr(start_points, "data", start_points), dtype=xp.float32)
    end = xp.asarray(getattr(end_points, "data", end_points), dtype=xp.float32)
    for name, points in (("start_points", start), ("end_points", end)):
        if points.ndim not in (2, 3) or points.shape[-2:] != (4, 2):
            raise ValueError(
                f"{where_}: {name} must have shape (4, 2) or (batch, 4, 2), got {points.shape}"
            )
    if start.shape != end.shape:
        raise ValueError(f"{where_}: start_points {start.shape} and end_points {end.shape} differ")
    batch, restore = _as_batch_channels_last(images, data_format)
    transforms = xp.broadcast_to(compute_homography_matrix(start, end), (batch.shape[0], 8))
    reads = _projective_reads(
        transforms, batch.shape[0], batch.shape[1], batch.shape[2], interpolation, "constant"
    )
    return restore(_read_weights_and_cast(batch, reads, fill_value))


def _map_index(index, size, fill_mode):
    """Integer indices folded back into [0, size) by fill_mode (-1 marks 'outside': constant)."""
    if fill_mode == "constant":
        return xp.where((index >= 0) & (index < size), index, -1)
    if fill_mode == "nearest":
        return xp.clip(index, 0, size - 1)
    if fill_mode == "wrap":
        return xp.mod(index, size)
    if fill_mode == "reflect":  # (d c b a | a b c d | d c b a)
        period = 2 * size
        folded = xp.mod(index, period)
        return xp.where(folded < size, folded, period - 1 - folded)
    # mirror: (c d c b | a b c d | c b a b), period 2 (size - 1)
    if size == 1:
        return xp.zeros_like(index)
    period = 2 * (size - 1)
    folded = xp.mod(index, period)
    return xp.where(folded < size, folded, period - folded)


@keras_op
def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    """Sample ``inputs`` at fractional ``coordinates`` (one row of coordinates per input axis).

    Args:
        inputs: an array of any rank.
        coordinates: (inputs.ndim, ...) positions; the output has shape coordinates.shape[1:].
        order: 0 (nearest, rounding half to even) or 1 (linear).
        fill_mode: "constant", "nearest", "wrap", "mirror" or "reflect".
        fill_value: the value outside the input with fill_mode="constant".

    Returns:
        Tensor of the inputs' dtype (integers rounded); differentiable with respect to float
        inputs.

    Example:

    >>> import numpy as np
    >>> from glassnet.ops import image
    >>> image.map_coordinates(np.array([0.0, 10.0]), np.array([[0.25, 0.5]]), order=1)
    Tensor([2.5, 5. ], dtype=float64)
    """
    where_ = "ops.image.map_coordinates"
    _check_choice(fill_mode, MAP_COORDINATES_FILL_MODES, "fill_mode", where_)
    if order not in (0, 1):
        raise ValueError(f"{where_}: order must be 0 or 1, got {order!r}")
    inputs = as_tensor(inputs, where=where_)
    coords = xp.asarray(getattr(coordinates, "data", coordinates))
    if coords.ndim < 2 or coords.shape[0] != inputs.ndim:
        raise ValueError(
            f"{where_}: coordinates must have shape (inputs.ndim={inputs.ndim}, ...), "
            f"got {coords.shape}"
        )
    weight_dtype = coords.dtype if coords.dtype.kind == "f" else xp.dtype("float32")
    per_axis = []
    for axis_coords, size in zip(coords, inputs.shape):
        if order == 0:
            nearest = axis_coords if axis_coords.dtype.kind in "iu" else xp.round(axis_coords)
            per_axis.append([(nearest.astype(xp.int64), xp.ones(axis_coords.shape, weight_dtype))])
        else:
            lower = xp.floor(axis_coords)
            upper_weight = (axis_coords - lower).astype(weight_dtype)
            lower = lower.astype(xp.int64)
            per_axis.append([(lower, 1 - upper_weight), (lower + 1, upper_weight)])
    reads = []
    for combination in _product(per_axis):
        flat = xp.zeros(coords.shape[1:], dtype=xp.int64)
        weight = xp.ones(coords.shape[1:], dtype=weight_dtype)
        outside = xp.zeros(coords.shape[1:], dtype=bool)
        for (index, axis_weight), size in zip(combination, inputs.shape):
            mapped = _map_index(index, size, fill_mode)
            outside |= mapped < 0
            flat = flat * size + xp.maximum(mapped, 0)
            weight = weight * axis_weight
        reads.append((xp.where(outside, -1, flat), weight))
    source = inputs if inputs.dtype.kind == "f" else cast(inputs, weight_dtype)
    table = reshape(source, (-1, 1))
    out = squeeze(_weighted_reads(table, reads, fill_value), -1)
    if inputs.dtype.kind != "f":
        return Tensor(xp.round(out.data).astype(inputs.dtype))
    return out


def _product(lists):
    combos = [[]]
    for options in lists:
        combos = [c + [o] for c in combos for o in options]
    return combos


def _gaussian_kernel_1d(size, sigma, dtype):
    x = xp.arange(size, dtype=dtype) - (size - 1) / 2
    kernel = xp.exp(-0.5 * (x / sigma) ** 2)
    return kernel / kernel.sum()


@keras_op
def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """Blur each channel with a Gaussian kernel ("same" size, zero padding).

    Args:
        images: (B, H, W, C) or (H, W, C) (channels_first: channels before height).
        kernel_size: (kernel height, kernel width).
        sigma: (sigma of the first kernel axis, sigma of the second).
        data_format: "channels_last" or "channels_first"; None means the configured default.

    Returns:
        Tensor of the images' shape; differentiable with respect to float images.

    Example:

    >>> import numpy as np
    >>> from glassnet.ops import image
    >>> round(float(image.gaussian_blur(np.ones((1, 5, 5, 1)), (3, 3), (1.0, 1.0))[0, 2, 2, 0]), 6)
    1.0
    """
    where_ = "ops.image.gaussian_blur"
    data_format = standardize_data_format(data_format, where_)
    images = _images(images, where_)
    kernel_size = tuple(int(k) for k in kernel_size)
    sigma = tuple(float(s) for s in xp.broadcast_to(xp.asarray(sigma, dtype=float), (2,)))
    batch, restore = _as_batch_channels_last(images, data_format)
    source = batch if batch.dtype.kind == "f" else cast(batch, "float32")
    dtype = source.dtype
    along_first = _gaussian_kernel_1d(kernel_size[0], sigma[0], dtype)
    along_second = _gaussian_kernel_1d(kernel_size[1], sigma[1], dtype)
    # Keras builds outer(second, first) and reads it in (kernel_size[0], kernel_size[1]) order
    kernel = xp.outer(along_second, along_first).reshape(kernel_size)
    channels = source.shape[-1]
    kernel = xp.tile(kernel[:, :, None, None], (1, 1, channels, 1)).astype(dtype)
    blurred = depthwise_conv2d(source, Tensor(kernel), padding="same")
    return restore(blurred)


@keras_op
def elastic_transform(
    images,
    alpha=20.0,
    sigma=5.0,
    interpolation="bilinear",
    fill_mode="reflect",
    fill_value=0.0,
    seed=None,
    data_format=None,
):
    """Random smooth deformation: each pixel reads the input displaced by alpha * a blurred
    Gaussian noise field (one field per image, shared by its channels).

    Args:
        images: (B, H, W, C) or (H, W, C) (channels_first: channels before height).
        alpha: displacement scale in pixels.
        sigma: standard deviation of the noise and of its Gaussian smoothing (kernel size
            6 * int(sigma) | 1).
        interpolation: "bilinear" or "nearest".
        fill_mode: "constant", "nearest", "wrap", "mirror" or "reflect".
        fill_value: the value outside the input with fill_mode="constant".
        seed: an int or a ``numpy.random.Generator``; None draws from glassnet's generator.
        data_format: "channels_last" or "channels_first"; None means the configured default.

    Returns:
        Tensor of the images' shape and dtype; differentiable with respect to float images.

    Example:

    >>> import numpy as np
    >>> from glassnet.ops import image
    >>> x = np.random.default_rng(0).random((1, 8, 8, 1))
    >>> bool(np.allclose(image.elastic_transform(x, alpha=0.0, seed=1).numpy(), x))
    True
    """
    where_ = "ops.image.elastic_transform"
    _check_choice(interpolation, AFFINE_TRANSFORM_INTERPOLATIONS, "interpolation", where_)
    _check_choice(fill_mode, MAP_COORDINATES_FILL_MODES, "fill_mode", where_)
    data_format = standardize_data_format(data_format, where_)
    images = _images(images, where_)
    batch, restore = _as_batch_channels_last(images, data_format)
    n, height, width, channels = batch.shape
    rng = random_generator(seed)
    dtype = _float_dtype(batch.dtype)
    radius = 6 * int(sigma) | 1
    noise = rng.standard_normal((2, n, height, width, 1)).astype(dtype) * dtype.type(sigma)
    fields = [
        gaussian_blur(Tensor(field), (radius, radius), (sigma, sigma)).data[..., 0]
        for field in noise
    ]
    ys, xs = xp.meshgrid(
        xp.arange(height, dtype=dtype), xp.arange(width, dtype=dtype), indexing="ij"
    )
    rows = ys[None] + dtype.type(alpha) * fields[1]
    cols = xs[None] + dtype.type(alpha) * fields[0]
    order = AFFINE_TRANSFORM_INTERPOLATIONS.index(interpolation)
    # one map_coordinates over (batch, row, col, channel): the batch and channel coordinates are
    # whole numbers, so only rows and columns interpolate
    batch_coords = xp.broadcast_to(
        xp.arange(n, dtype=dtype)[:, None, None, None], (n, height, width, channels)
    )
    channel_coords = xp.broadcast_to(xp.arange(channels, dtype=dtype), (n, height, width, channels))
    coordinates = xp.stack(
        [
            batch_coords,
            xp.broadcast_to(rows[..., None], (n, height, width, channels)),
            xp.broadcast_to(cols[..., None], (n, height, width, channels)),
            channel_coords,
        ]
    )
    out = map_coordinates(batch, coordinates, order, fill_mode, fill_value)
    return restore(out)


def random_generator(seed):
    """A ``numpy.random.Generator`` for ``seed``.

    Args:
        seed: an int, a Generator (used as is) or None (a generator seeded from glassnet's
            shared one, so ``utils.set_random_seed`` makes it repeat).

    Example:

    >>> int(random_generator(3).integers(10)) == int(random_generator(3).integers(10))
    True
    """
    if isinstance(seed, xp.random.Generator):
        return seed
    if seed is None:
        return xp.random.default_rng(int(get_generator().integers(2**63)))
    return xp.random.default_rng(int(seed))


@keras_op
def sobel_edges(images, data_format=None):
    """Sobel gradients of each channel: (..., C, 2) with [..., 0] vertical, [..., 1] horizontal.

    Args:
        images: (B, H, W, C) (channels_first: (B, C, H, W)); borders are reflected.
        data_format: "channels_last" or "channels_first"; None means the configured default.

    Returns:
        Tensor (B, H, W, C, 2) (channels_first: (B, C, H, W, 2)); differentiable.

    Example:

    >>> import numpy as np
    >>> from glassnet.ops import image
    >>> ramp = np.tile(np.arange(4.0), (4, 1)).reshape(1, 4, 4, 1)
    >>> image.sobel_edges(ramp)[0, 1, 1, 0]
    Tensor([0., 8.], dtype=float64)
    """
    where_ = "ops.image.sobel_edges"
    data_format = standardize_data_format(data_format, where_)
    images = _images(images, where_, ranks=(4,))
    if data_format == "channels_first":
        images = transpose(images, (0, 2, 3, 1))
    source = images if images.dtype.kind == "f" else cast(images, "float32")
    _, height, width, channels = source.shape
    rows = (
        xp.concatenate([[1], xp.arange(height), [height - 2]]) if height > 1 else xp.zeros(3, int)
    )
    cols = xp.concatenate([[1], xp.arange(width), [width - 2]]) if width > 1 else xp.zeros(3, int)
    padded = take(take(source, rows, axis=1), cols, axis=2)  # reflect padding by one pixel
    vertical = xp.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=source.dtype)
    kernels = xp.stack([vertical, vertical.T], axis=-1)[:, :, None, :]
    kernels = xp.tile(kernels, (1, 1, channels, 1))
    edges = depthwise_conv2d(padded, Tensor(kernels), padding="valid")
    edges = reshape(edges, (-1, height, width, channels, 2))
    if data_format == "channels_first":
        edges = transpose(edges, (0, 3, 1, 2, 4))
    return edges


@keras_op
def ssim(
    image1,
    image2,
    max_val=1.0,
    filter_size=11,
    filter_sigma=1.5,
    k1=0.01,
    k2=0.03,
    data_format=None,
):
    """Structural similarity of two images (1 when identical), averaged over pixels and channels.

    Local means, variances and covariance use a ``filter_size`` Gaussian window ("valid").

    Args:
        image1, image2: (B, H, W, C) or (H, W, C) of equal shapes (channels_first: channels
            before height).
        max_val: the dynamic range of the pixel values (1.0 for [0, 1], 255.0 for [0, 255]).
        filter_size, filter_sigma: the Gaussian window.
        k1, k2: the stabilising constants.
        data_format: "channels_last" or "channels_first"; None means the configured default.

    Returns:
        Tensor (B,) (a scalar for single images); differentiable.

    Example:

    >>> import numpy as np
    >>> from glassnet.ops import image
    >>> x = np.random.default_rng(0).random((16, 16, 1))
    >>> round(float(image.ssim(x, x)), 6)
    1.0
    """
    where_ = "ops.image.ssim"
    data_format = standardize_data_format(data_format, where_)
    first, second = _images(image1, where_), _images(image2, where_)
    unbatched = first.ndim == 3
    if first.shape != second.shape:
        raise ValueError(f"{where_}: the images differ in shape: {first.shape} and {second.shape}")
    original_dtype = first.dtype
    dtype = _float_dtype(original_dtype)
    first, second = cast(first, dtype), cast(second, dtype)
    first, _ = _as_batch_channels_last(first, data_format)
    second, _ = _as_batch_channels_last(second, data_format)
    batch, height, width, channels = first.shape
    window = _gaussian_kernel_1d(filter_size, filter_sigma, xp.float64)
    kernel = Tensor(xp.outer(window, window).astype(dtype).reshape(filter_size, filter_size, 1, 1))

    def per_channel(x):  # (B, H, W, C) -> (B*C, H, W, 1)
        return reshape(transpose(x, (0, 3, 1, 2)), (-1, height, width, 1))

    def local_mean(x):
        return conv2d(x, kernel, padding="valid")

    x1, x2 = per_channel(first), per_channel(second)
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    mu1, mu2 = local_mean(x1), local_mean(x2)
    mu1_sq, mu2_sq, mu12 = multiply(mu1, mu1), multiply(mu2, mu2), multiply(mu1, mu2)
    var1 = subtract(local_mean(multiply(x1, x1)), mu1_sq)
    var2 = subtract(local_mean(multiply(x2, x2)), mu2_sq)
    covariance = subtract(local_mean(multiply(x1, x2)), mu12)
    numerator = multiply(add(multiply(2.0, mu12), c1), add(multiply(2.0, covariance), c2))
    denominator = multiply(add(add(mu1_sq, mu2_sq), c1), add(add(var1, var2), c2))
    per_window = mean(divide(numerator, denominator), axis=(1, 2, 3))
    per_image = mean(reshape(per_window, (batch, channels)), axis=-1)
    return squeeze(per_image, 0) if unbatched else per_image


# -- crops, pads and patches -----------------------------------------------------------------------
def _resolve_sides(before, after, target, size, kind, where):
    if [before, after, target].count(None) != 1:
        raise ValueError(
            f"{where}: give exactly two of top/bottom (left/right) {kind} and the target size, "
            f"got {before}, {after}, {target}"
        )
    for value in (before, after, target):
        if value is not None and value < 0:
            raise ValueError(f"{where}: {kind} sizes must be >= 0, got {before}, {after}, {target}")
    return before, after, target


@keras_op
def pad_images(
    images,
    top_padding=None,
    left_padding=None,
    bottom_padding=None,
    right_padding=None,
    target_height=None,
    target_width=None,
    data_format=None,
):
    """Pad images with zeros: give two of (top, bottom, target_height) and two of (left, right,
    target_width).

    Args:
        images: (B, H, W, C) or (H, W, C) (channels_first: channels before height).
        top_padding: rows of zeros above, or None.
        left_padding: columns of zeros on the left, or None.
        bottom_padding: rows of zeros below, or None.
        right_padding: columns of zeros on the right, or None.
        target_height: the height of the result, or None.
        target_width: the width of the result, or None.
        data_format: "channels_last" or "channels_first"; None means the configured default.

    Returns:
        Tensor; differentiable.

    Example:

    >>> import numpy as np
    >>> from glassnet.ops import image
    >>> image.pad_images(np.ones((2, 2, 1)), 1, 0, target_height=4, target_width=3).shape
    (4, 3, 1)
    """
    where_ = "ops.image.pad_images"
    data_format = standardize_data_format(data_format, where_)
    images = _images(images, where_)
    height_axis = images.ndim - 3 if data_format == "channels_last" else images.ndim - 2
    height, width = images.shape[height_axis], images.shape[height_axis + 1]
    top, bottom, target_height = _resolve_sides(
        top_padding, bottom_padding, target_height, height, "padding", where_
    )
    left, right, target_width = _resolve_sides(
        left_padding, right_padding, target_width, width, "padding", where_
    )
    top = target_height - bottom - height if top is None else top
    bottom = target_height - top - height if bottom is None else bottom
    left = target_width - right - width if left is None else left
    right = target_width - left - width if right is None else right
    if min(top, bottom, left, right) < 0:
        raise ValueError(
            f"{where_}: the target size is smaller than the images ({images.shape}): paddings "
            f"top={top}, bottom={bottom}, left={left}, right={right}"
        )
    widths = [(0, 0)] * images.ndim
    widths[height_axis], widths[height_axis + 1] = (top, bottom), (left, right)
    return pad(images, widths)


@keras_op
def crop_images(
    images,
    top_cropping=None,
    left_cropping=None,
    bottom_cropping=None,
    right_cropping=None,
    target_height=None,
    target_width=None,
    data_format=None,
):
    """Crop images: give two of (top, bottom, target_height) and two of (left, right,
    target_width).

    Args:
        images: (B, H, W, C) or (H, W, C) (channels_first: channels before height).
        top_cropping: rows removed at the top, or None.
        left_cropping: columns removed on the left, or None.
        bottom_cropping: rows removed at the bottom, or None.
        right_cropping: columns removed on the right, or None.
        target_height: the height of the result, or None.
        target_width: the width of the result, or None.
        data_format: "channels_last" or "channels_first"; None means the configured default.

    Returns:
        Tensor; differentiable.

    Example:

    >>> import numpy as np
    >>> from glassnet.ops import image
    >>> image.crop_images(np.ones((4, 4, 1)), 1, 1, target_height=2, target_width=2).shape
    (2, 2, 1)
    """
    where_ = "ops.image.crop_images"
    data_format = standardize_data_format(data_format, where_)
    images = _images(images, where_)
    height_axis = images.ndim - 3 if data_format == "channels_last" else images.ndim - 2
    height, width = images.shape[height_axis], images.shape[height_axis + 1]
    top, bottom, target_height = _resolve_sides(
        top_cropping, bottom_cropping, target_height, height, "cropping", where_
    )
    left, right, target_width = _resolve_sides(
        left_cropping, right_cropping, target_width, width, "cropping", where_
    )
    top = height - target_height - bottom if top is None else top
    target_height = height - bottom - top if target_height is None else target_height
    left = width - target_width - right if left is None else left
    target_width = width - right - left if target_width is None else target_width
    if (
        min(top, left, target_height, target_width) < 0
        or top + target_height > height
        or (left + target_width > width)
    ):
        raise ValueError(
            f"{where_}: the crop (top={top}, left={left}, {target_height}x{target_width}) does not "
            f"fit images of shape {images.shape}"
        )
    index = [slice(None)] * images.ndim
    index[height_axis] = slice(top, top + target_height)
    index[height_axis + 1] = slice(left, left + target_width)
    return getitem(images, tuple(index))


def _windows(padded, kernel, strides, dilation, out_shape):
    """Every kernel window of (N, *spatial, C) as (N, *out_shape, *kernel, C): a strided view,
    copied once; the backward adds the window gradients back, one kernel offset at a time."""
    data = padded.data
    spatial = len(kernel)
    step = data.strides
    shape = (data.shape[0],) + tuple(out_shape) + tuple(kernel) + (data.shape[-1],)
    view_strides = (
        (step[0],)
        + tuple(step[1 + i] * strides[i] for i in range(spatial))
        + tuple(step[1 + i] * dilation[i] for i in range(spatial))
        + (step[-1],)
    )
    out = xp.lib.stride_tricks.as_strided(data, shape, view_strides, writeable=False).copy()

    def backward(grad_output):  # dL/dx at each window position += dL/d(window entry)
        grad = xp.zeros_like(data)
        for offset in xp.ndindex(*kernel):
            target = (slice(None),) + tuple(
                slice(o * d, o * d + (n - 1) * s + 1, s)
                for o, d, n, s in zip(offset, dilation, out_shape, strides)
            )
            grad[target] += grad_output[(slice(None),) * (1 + spatial) + offset]
        return (grad,)

    return from_op(out, (padded,), backward)


def _patches(images, size, strides, dilation_rate, padding, data_format, where):
    spatial = len(size)
    strides = size if not strides else strides
    strides = (strides,) * spatial if isinstance(strides, int) else tuple(strides)
    dilation = (
        (dilation_rate,) * spatial if isinstance(dilation_rate, int) else tuple(dilation_rate)
    )
    unbatched = images.ndim == spatial + 1
    if unbatched:
        images = expand_dims(images, 0)
    if data_format == "channels_first":
        images = transpose(images, (0,) + tuple(range(2, spatial + 2)) + (1,))
    widths, out_shape = [(0, 0)], []
    for n, k, s, d in zip(images.shape[1:-1], size, strides, dilation):
        effective = (k - 1) * d + 1
        if padding == "valid":
            out_shape.append(max((n - effective) // s + 1, 0))
            widths.append((0, 0))
        elif padding == "same":
            out = -(-n // s)
            total = max((out - 1) * s + effective - n, 0)
            out_shape.append(out)
            widths.append((total // 2, total - total // 2))
        else:
            raise ValueError(f"{where}: padding must be 'valid' or 'same', got {padding!r}")
    padded = pad(images, widths + [(0, 0)])
    windows = _windows(padded, tuple(size), strides, dilation, out_shape)
    patches = reshape(windows, (images.shape[0],) + tuple(out_shape) + (-1,))
    if data_format == "channels_first":
        patches = transpose(patches, (0, spatial + 1) + tuple(range(1, spatial + 1)))
    return squeeze(patches, 0) if unbatched else patches


@keras_op
def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    """Patches of images laid out along the channel axis, in (patch row, patch column, channel)
    order; a size of length 3 extracts 3-D patches from volumes.

    Args:
        images: (B, H, W, C) or (H, W, C); volumes (B, D, H, W, C) for 3-D sizes.
        size: int or (height, width) (or (depth, height, width)).
        strides: steps between patches; None means ``size`` (no overlap).
        dilation_rate: spacing of the pixels inside one patch.
        padding: "valid" or "same".
        data_format: "channels_last" or "channels_first"; None means the configured default.

    Returns:
        Tensor (B, rows, cols, size_h * size_w * C); differentiable.

    Example:

    >>> import numpy as np
    >>> from glassnet.ops import image
    >>> image.extract_patches(np.arange(16.0).reshape(4, 4, 1), 2)[0, 0]
    Tensor([0., 1., 4., 5.], dtype=float64)
    """
    where_ = "ops.image.extract_patches"
    size = (size, size) if isinstance(size, int) else tuple(size)
    if len(size) not in (2, 3):
        raise ValueError(f"{where_}: size must be an int or a tuple of length 2 or 3, got {size}")
    data_format = standardize_data_format(data_format, where_)
    images = _images(images, where_, ranks=(3, 4) if len(size) == 2 else (4, 5))
    return _patches(images, size, strides, dilation_rate, padding, data_format, where_)


@keras_op
def extract_patches_3d(
    volumes, size, strides=None, dilation_rate=1, padding="valid", data_format=None
):
    """3-D patches of volumes: ``extract_patches`` with a (depth, height, width) size.

    Args:
        volumes: (B, D, H, W, C) or (D, H, W, C) (channels_first: channels after the batch).
        size: int or (depth, height, width).
        strides, dilation_rate, padding, data_format: as in ``extract_patches``.

    Returns:
        Tensor (B, d, h, w, size_d * size_h * size_w * C); differentiable.

    Example:

    >>> import numpy as np
    >>> from glassnet.ops import image
    >>> image.extract_patches_3d(np.ones((4, 4, 4, 2)), 2).shape
    (2, 2, 2, 16)
    """
    where_ = "ops.image.extract_patches_3d"
    size = (size,) * 3 if isinstance(size, int) else tuple(size)
    if len(size) != 3:
        raise ValueError(f"{where_}: size must be an int or a tuple of length 3, got {size}")
    data_format = standardize_data_format(data_format, where_)
    volumes = _images(volumes, where_, ranks=(4, 5))
    return _patches(volumes, size, strides, dilation_rate, padding, data_format, where_)


__all__ = [
    "affine_transform",
    "crop_images",
    "elastic_transform",
    "extract_patches",
    "extract_patches_3d",
    "gaussian_blur",
    "hsv_to_rgb",
    "map_coordinates",
    "pad_images",
    "perspective_transform",
    "resize",
    "rgb_to_grayscale",
    "rgb_to_hsv",
    "scale_and_translate",
    "sobel_edges",
    "ssim",
]
