"""Layers that change the shape, not the values: Flatten, Reshape, Permute, RepeatVector, and the
spatial ones: ZeroPadding1D/2D/3D, Cropping1D/2D/3D, UpSampling1D/2D/3D (UpSampling2D also
bilinear and the other ``ops.image.resize`` interpolations).

Example:

>>> import numpy as np
>>> from glassnet import layers
>>> layers.ZeroPadding3D(1)(np.ones((1, 2, 2, 2, 1), dtype="float32")).shape
(1, 4, 4, 4, 1)
>>> layers.UpSampling1D(3)(np.array([[[1.0], [2.0]]])).data.ravel().tolist()
[1.0, 1.0, 1.0, 2.0, 2.0, 2.0]
"""

import math

from glassnet import ops
from glassnet.layers.arguments import (
    ShapeFromArithmetic,
    as_tuple,
    replace_spatial,
    spatial_axes,
    standard_data_format,
)
from glassnet.layers.layer import InputSpec, Layer
from glassnet.ops.image import resize


class Flatten(Layer):
    """(batch, d1, d2, ...) -> (batch, d1 * d2 * ...); channels_first data is moved to channels_last
    first, as Keras does.

    Args:
        data_format: "channels_last" or "channels_first".

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.Flatten()(np.ones((2, 3, 4))).shape
    (2, 12)
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standard_data_format(data_format, "Flatten")

    def call(self, inputs):
        if self.data_format == "channels_first" and inputs.ndim > 2:
            inputs = ops.transpose(inputs, (0, *range(2, inputs.ndim), 1))
        return ops.reshape(inputs, (inputs.shape[0], -1))

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class Reshape(Layer):
    """(batch, ...) -> (batch, *target_shape); one entry may be -1.

    Args:
        target_shape: the new shape without the batch axis.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.Reshape((3, -1))(np.ones((2, 12))).shape
    (2, 3, 4)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)

    def call(self, inputs):
        per_sample = math.prod(inputs.shape[1:])
        known = math.prod(n for n in self.target_shape if n != -1)
        if (-1 not in self.target_shape and known != per_sample) or (
            -1 in self.target_shape and per_sample % known
        ):
            raise ValueError(
                f"Reshape '{self.name}': cannot reshape inputs of shape {inputs.shape} "
                f"({per_sample} values per sample) to {self.target_shape}"
            )
        return ops.reshape(inputs, (inputs.shape[0], *self.target_shape))

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}


class Permute(Layer):
    """Reorders the non-batch axes; ``dims`` counts from 1, as in Keras: Permute((2, 1)).

    Args:
        dims: a permutation of 1..rank.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.Permute((2, 1))(np.ones((2, 3, 4))).shape
    (2, 4, 3)
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(
                f"Permute: dims must be a permutation of 1..{len(self.dims)}, got {self.dims}"
            )

    def call(self, inputs):
        return ops.transpose(inputs, (0, *self.dims))

    def get_config(self):
        return {**super().get_config(), "dims": self.dims}


class RepeatVector(Layer):
    """(batch, features) -> (batch, n, features).

    Args:
        n: how many times to repeat.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.RepeatVector(3)(np.ones((2, 4))).shape
    (2, 3, 4)
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = int(n)

    def call(self, inputs):
        if inputs.ndim != 2:
            raise ValueError(
                f"RepeatVector '{self.name}': expected 2-D input (batch, features), got shape "
                f"{inputs.shape}"
            )
        return ops.broadcast_to(
            ops.expand_dims(inputs, 1), (inputs.shape[0], self.n, inputs.shape[1])
        )

    def get_config(self):
        return {**super().get_config(), "n": self.n}


def _side_pairs(value, rank, name):
    """Keras's padding/cropping argument as ``rank`` (before, after) pairs: an int (the same on
    every side), ``rank`` ints (symmetric per axis) or ``rank`` pairs."""
    if isinstance(value, int) and not isinstance(value, bool):
        pairs = ((value, value),) * rank
    else:
        value = tuple(value)
        if rank == 1 and len(value) == 2 and all(isinstance(v, int) for v in value):
            pairs = (value,)
        elif len(value) == rank and all(isinstance(v, int) for v in value):
            pairs = tuple((v, v) for v in value)
        else:
            pairs = tuple(tuple(v) for v in value)
    if len(pairs) != rank or any(
        len(p) != 2 or any(not isinstance(n, int) or n < 0 for n in p) for p in pairs
    ):
        raise ValueError(
            f"{name} must be a non-negative int, {rank} of them, or {rank} (before, after) pairs; "
            f"got {value!r}"
        )
    return pairs


class _ZeroPadding(ShapeFromArithmetic, Layer):
    rank = 2

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        where = type(self).__name__
        self.padding = _side_pairs(padding, self.rank, f"{where} padding")
        self.data_format = standard_data_format(data_format, where)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs):
        widths = [(0, 0)] * inputs.ndim
        for axis, pair in zip(spatial_axes(self.rank, self.data_format), self.padding):
            widths[axis] = pair
        return ops.pad(inputs, widths)

    def compute_output_shape(self, input_shape):
        sizes = [
            None if input_shape[axis] is None else input_shape[axis] + sum(pair)
            for axis, pair in zip(spatial_axes(self.rank, self.data_format), self.padding)
        ]
        return replace_spatial(input_shape, self.rank, self.data_format, sizes)

    def get_config(self):
        padding = self.padding[0] if self.rank == 1 else self.padding
        return {**super().get_config(), "padding": padding, "data_format": self.data_format}


class ZeroPadding1D(_ZeroPadding):
    """Pad the steps axis with zeros: padding=1 or (before, after).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.ZeroPadding1D((1, 2))(np.ones((1, 2, 1))).data.ravel().tolist()
    [0.0, 1.0, 1.0, 0.0, 0.0]
    """

    rank = 1


class ZeroPadding2D(_ZeroPadding):
    """Pad height and width with zeros: padding=1, (1, 2) or ((top, bottom), (left, right)).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.ZeroPadding2D(((1, 0), (0, 2)))(np.ones((1, 2, 2, 1))).shape
    (1, 3, 4, 1)
    """

    rank = 2


class ZeroPadding3D(_ZeroPadding):
    """Pad depth, height and width with zeros: padding=1, (1, 2, 3) or three (before, after)
    pairs.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.ZeroPadding3D((1, 0, 2))(np.ones((1, 2, 2, 2, 1))).shape
    (1, 4, 2, 6, 1)
    """

    rank = 3


class _Cropping(ShapeFromArithmetic, Layer):
    rank = 2
    has_data_format = True

    def __init__(self, cropping=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        where = type(self).__name__
        self.cropping = _side_pairs(cropping, self.rank, f"{where} cropping")
        self.data_format = standard_data_format(data_format, where)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _check(self, shape):
        for axis, (before, after) in zip(spatial_axes(self.rank, self.data_format), self.cropping):
            if shape[axis] is not None and before + after >= shape[axis]:
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': cropping {self.cropping} removes every "
                    f"cell of axis {axis} of an input of shape {tuple(shape)}"
                )

    def call(self, inputs):
        self._check(inputs.shape)
        index = [slice(None)] * inputs.ndim
        for axis, (before, after) in zip(spatial_axes(self.rank, self.data_format), self.cropping):
            index[axis] = slice(before, inputs.shape[axis] - after)
        return inputs[tuple(index)]

    def compute_output_shape(self, input_shape):
        self._check(input_shape)
        sizes = [
            None if input_shape[axis] is None else input_shape[axis] - sum(pair)
            for axis, pair in zip(spatial_axes(self.rank, self.data_format), self.cropping)
        ]
        return replace_spatial(input_shape, self.rank, self.data_format, sizes)

    def get_config(self):
        if self.rank == 1:
            return {**super().get_config(), "cropping": self.cropping[0]}
        return {**super().get_config(), "cropping": self.cropping, "data_format": self.data_format}


class Cropping1D(_Cropping):
    """Remove steps at both ends: cropping=1 or (start, end).

    Args:
        cropping: an int (the same at both ends) or a pair (start, end): the steps removed;
            one at each end by default.
        **kwargs: the base ``Layer`` arguments (name, dtype, ...).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.Cropping1D((1, 2))(np.arange(5.0).reshape(1, 5, 1)).data.ravel().tolist()
    [1.0, 2.0]
    """

    rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(cropping, "channels_last", **kwargs)


class Cropping2D(_Cropping):
    """Remove rows and columns at the borders: cropping=((top, bottom), (left, right)).

    Args:
        cropping: an int (every border), a pair (rows, columns) removed symmetrically, or
            ((top, bottom), (left, right)); nothing by default.
        data_format: "channels_last" or "channels_first"; None means the configured
            ``image_data_format()``.
        **kwargs: the base ``Layer`` arguments (name, dtype, ...).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.Cropping2D(((1, 0), (0, 1)))(np.ones((1, 4, 4, 1))).shape
    (1, 3, 3, 1)
    """

    rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)


class Cropping3D(_Cropping):
    """Remove cells at the borders of depth, height and width: three (before, after) pairs.

    Args:
        cropping: an int, a triple (one symmetric amount per axis), or three (before, after)
            pairs for depth, height and width; one cell at every border by default.
        data_format: "channels_last" or "channels_first"; None means the configured
            ``image_data_format()``.
        **kwargs: the base ``Layer`` arguments (name, dtype, ...).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.Cropping3D()(np.ones((1, 4, 4, 4, 1))).shape
    (1, 2, 2, 2, 1)
    """

    rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)


def _repeat(x, repeats, axis):
    """Each entry along ``axis`` repeated ``repeats`` times in place (nearest-neighbour
    upsampling), by a broadcast and a reshape."""
    shape = x.shape
    expanded = ops.expand_dims(x, axis + 1)
    target = (*shape[: axis + 1], repeats, *shape[axis + 1 :])
    return ops.reshape(
        ops.broadcast_to(expanded, target),
        (*shape[:axis], shape[axis] * repeats, *shape[axis + 1 :]),
    )


class _UpSampling(ShapeFromArithmetic, Layer):
    rank = 2

    def __init__(self, size=2, data_format=None, **kwargs):
        super().__init__(**kwargs)
        where = type(self).__name__
        self.size = as_tuple(size, self.rank, f"{where} size")
        self.data_format = standard_data_format(data_format, where)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs):
        x = inputs
        for axis, repeats in zip(spatial_axes(self.rank, self.data_format), self.size):
            if repeats != 1:
                x = _repeat(x, repeats, axis)
        return x

    def compute_output_shape(self, input_shape):
        sizes = [
            None if input_shape[axis] is None else input_shape[axis] * repeats
            for axis, repeats in zip(spatial_axes(self.rank, self.data_format), self.size)
        ]
        return replace_spatial(input_shape, self.rank, self.data_format, sizes)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format}


class UpSampling1D(_UpSampling):
    """Repeat each step ``size`` times: (batch, steps, features) -> (batch, steps * size,
    features).

    Args:
        size: the positive integer number of times each step is repeated (2 by default).
        **kwargs: the base ``Layer`` arguments (name, dtype, ...).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.UpSampling1D(2)(np.array([[[1.0], [2.0]]])).data.ravel().tolist()
    [1.0, 1.0, 2.0, 2.0]
    """

    rank = 1

    def __init__(self, size=2, **kwargs):
        if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
            raise ValueError(f"UpSampling1D: size must be a positive integer, got {size!r}")
        super().__init__(size, "channels_last", **kwargs)

    def get_config(self):
        config = super().get_config()
        del config["data_format"]
        return {**config, "size": self.size[0]}


class UpSampling2D(_UpSampling):
    """Upsample height and width by ``size``: interpolation 'nearest' repeats rows and columns;
    'bilinear', 'bicubic', 'lanczos3', 'lanczos5' and 'area' resize with ``ops.image.resize``.

    Args:
        size: an int or a pair (rows, columns): the upsampling factors (2 by default).
        data_format: "channels_last" or "channels_first"; None means the configured
            ``image_data_format()``.
        interpolation: "nearest" (the default), "bilinear", "bicubic", "lanczos3", "lanczos5"
            or "area".
        **kwargs: the base ``Layer`` arguments (name, dtype, ...).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> x = np.array([0.0, 1.0]).reshape(1, 1, 2, 1)
    >>> layers.UpSampling2D((1, 2), interpolation="bilinear")(x).data.ravel().tolist()
    [0.0, 0.25, 0.75, 1.0]
    """

    rank = 2

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(size, data_format, **kwargs)
        self.interpolation = str(interpolation).lower()
        allowed = ("nearest", "bilinear", "bicubic", "lanczos3", "lanczos5", "area")
        if self.interpolation not in allowed:
            raise ValueError(
                f"UpSampling2D: interpolation must be one of {allowed}, got {interpolation!r}"
            )

    def call(self, inputs):
        if self.interpolation == "nearest":
            return super().call(inputs)
        height, width = (inputs.shape[axis] for axis in spatial_axes(2, self.data_format))
        target = (height * self.size[0], width * self.size[1])
        return resize(inputs, target, self.interpolation, data_format=self.data_format)

    def get_config(self):
        return {**super().get_config(), "interpolation": self.interpolation}


class UpSampling3D(_UpSampling):
    """Repeat each cell ``size`` times along depth, height and width.

    Args:
        size: an int or a triple: the factors for depth, height and width (2 by default).
        data_format: "channels_last" or "channels_first"; None means the configured
            ``image_data_format()``.
        **kwargs: the base ``Layer`` arguments (name, dtype, ...).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.UpSampling3D((1, 2, 3))(np.ones((1, 2, 2, 2, 1))).shape
    (1, 2, 4, 6, 1)
    """

    rank = 3

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(size, data_format, **kwargs)
