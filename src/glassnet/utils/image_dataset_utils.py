"""``image_dataset_from_directory``: a folder with one subfolder of images per class, as a
dataset of (images, labels) batches.

Example:

>>> import os, tempfile, numpy as np
>>> from glassnet.utils import image_dataset_from_directory, save_img
>>> root = tempfile.mkdtemp()
>>> for name in ("cats", "dogs"):
...     os.makedirs(os.path.join(root, name))
...     save_img(os.path.join(root, name, "a.png"), np.zeros((8, 8, 3)))
>>> data = image_dataset_from_directory(root, image_size=(4, 4), batch_size=2, verbose=False)
>>> images, labels = next(iter(data))
>>> data.class_names, images.shape, images.dtype
(['cats', 'dogs'], (2, 4, 4, 3), dtype('float32'))
"""

import numpy as np

from glassnet.utils import dataset_utils
from glassnet.utils.image_utils import _data_format, _pil, resize_with_pad, smart_resize

ALLOWED_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
CHANNELS = {"grayscale": 1, "rgb": 3, "rgba": 4}


def image_dataset_from_directory(
    directory,
    labels="inferred",
    label_mode="int",
    class_names=None,
    color_mode="rgb",
    batch_size=32,
    image_size=(256, 256),
    shuffle=True,
    seed=None,
    validation_split=None,
    subset=None,
    interpolation="bilinear",
    follow_links=False,
    crop_to_aspect_ratio=False,
    pad_to_aspect_ratio=False,
    data_format=None,
    format="tf",
    verbose=True,
):
    """A dataset of image batches from a folder of images (bmp, gif, jpeg, png).

    With ``labels="inferred"`` each subfolder is a class (in alphanumeric order, or the order
    of ``class_names``); images in nested folders belong to the class of their top folder.
    Images are decoded with Pillow and resized to ``image_size`` as ``keras.ops.image.resize``
    does; a file that cannot be decoded stops the iteration with a ValueError naming it.

    Args:
        directory: the folder.
        labels: "inferred", None, or a list of integer labels in the sorted order of the files.
        label_mode: "int", "categorical", "binary" or None (images only).
        class_names: the subfolders to use, in this order.
        color_mode: "grayscale", "rgb" or "rgba" (1, 3 or 4 channels).
        batch_size: images per batch; None gives single images.
        image_size: (height, width) of the images given.
        shuffle: shuffle the files (and the images each epoch).
        seed: the shuffling seed (needed with validation_split and shuffle).
        validation_split: fraction kept for validation.
        subset: "training", "validation" or "both" (a list of the two datasets).
        interpolation: the resizing method ("bilinear", "nearest", "bicubic", "area",
            "lanczos3", "lanczos5").
        follow_links: descend into linked folders.
        crop_to_aspect_ratio: crop the centre to the target aspect ratio before resizing.
        pad_to_aspect_ratio: pad to the target aspect ratio before resizing.
        data_format: "channels_last" or "channels_first".
        format: "tf" or "grain": both give glassnet's dataset object.
        verbose: print what was found.

    Returns:
        a ``Dataset`` of float32 images (batch, height, width, channels) with values 0-255,
        paired with labels unless label_mode or labels is None; it has ``class_names`` and
        ``file_paths``.

    Example:

    >>> import os, tempfile
    >>> import numpy as np
    >>> from glassnet.utils import save_img
    >>> root = tempfile.mkdtemp()
    >>> for label in ("cat", "dog"):
    ...     os.makedirs(os.path.join(root, label))
    ...     save_img(os.path.join(root, label, "a.png"), np.full((4, 6, 3), 100.0), scale=False)
    >>> dataset = image_dataset_from_directory(root, image_size=(2, 3), batch_size=2,
    ...                                        shuffle=False)
    Found 2 files belonging to 2 classes.
    >>> images, labels = next(iter(dataset))
    >>> dataset.class_names, images.shape, labels.tolist()
    (['cat', 'dog'], (2, 2, 3, 3), [0, 1])
    """
    where = "image_dataset_from_directory"
    _check_common(labels, label_mode, format, where)
    if color_mode not in CHANNELS:
        raise ValueError(
            f"{where}: color_mode must be 'grayscale', 'rgb' or 'rgba', got {color_mode!r}"
        )
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError(
            f"{where}: crop_to_aspect_ratio and pad_to_aspect_ratio exclude each other"
        )
    image_size = tuple(int(s) for s in image_size)
    data_format = _data_format(data_format)
    dataset_utils.check_validation_split(validation_split, subset, shuffle, seed, where)
    if seed is None:
        seed = int(np.random.randint(1e6))
    paths, label_array, names = dataset_utils.index_directory(
        directory,
        labels,
        ALLOWED_FORMATS,
        class_names,
        shuffle,
        seed,
        follow_links,
        verbose,
        where,
    )
    if not paths:
        raise ValueError(f"{where}: no images found in {str(directory)!r} ({ALLOWED_FORMATS})")
    num_classes = len(names) if names else 0
    dataset_utils.check_label_mode(label_mode if labels is not None else None, num_classes, where)
    if labels is None:
        label_mode = None

    def load(path):
        return load_image(
            path,
            image_size,
            color_mode,
            interpolation,
            crop_to_aspect_ratio,
            pad_to_aspect_ratio,
            data_format,
        )

    def make(subset_name):
        subset_paths, subset_labels = dataset_utils.training_or_validation_split(
            np.array(paths, dtype=object), label_array, validation_split, subset_name, verbose
        )
        if not len(subset_paths):
            raise ValueError(f"{where}: no images left for subset {subset_name!r}")
        return dataset_utils.files_dataset(
            subset_paths,
            subset_labels,
            load,
            label_mode,
            num_classes,
            batch_size,
            shuffle,
            seed,
            names,
            where,
        )

    if subset == "both":
        return [make("training"), make("validation")]
    return make(subset)


def _check_common(labels, label_mode, format, where):
    if format not in ("tf", "grain"):
        raise ValueError(f"{where}: format must be 'tf' or 'grain', got {format!r}")
    if not (labels in ("inferred", None) or isinstance(labels, (list, tuple, np.ndarray))):
        raise ValueError(
            f"{where}: labels must be 'inferred', None or a list of integer labels, got {labels!r}"
        )


def load_image(
    path,
    image_size,
    color_mode,
    interpolation,
    crop_to_aspect_ratio,
    pad_to_aspect_ratio,
    data_format,
):
    """One image file as a float32 array of ``image_size``, 0-255.

    Args:
        path: the image file (the first frame of an animation is used).
        image_size: (height, width) of the result.
        color_mode: "grayscale", "rgb" or "rgba".
        interpolation: the resizing method, as ``keras.ops.image.resize``.
        crop_to_aspect_ratio: crop the centred window of the target's aspect ratio first.
        pad_to_aspect_ratio: pad to the target's aspect ratio instead of distorting.
        data_format: "channels_last" or "channels_first".

    Example:

    >>> import os, tempfile
    >>> import numpy as np
    >>> from glassnet.utils import save_img
    >>> path = os.path.join(tempfile.mkdtemp(), "a.png")
    >>> save_img(path, np.full((4, 6, 3), 100.0), scale=False)
    >>> load_image(path, (2, 3), "rgb", "bilinear", False, False, "channels_last").shape
    (2, 3, 3)
    """
    from glassnet.ops import image as image_ops

    Image = _pil()
    try:
        with Image.open(path) as image:
            image.seek(0)  # the first frame of an animation
            if color_mode == "grayscale" and image.mode not in ("L", "I;16", "I"):
                # Keras (TensorFlow's decoder) truncates the ITU-R 601 luma; Pillow rounds it
                rgb = np.asarray(image.convert("RGB"), dtype=np.int64)
                pixels = (rgb @ np.array([299, 587, 114]) // 1000).astype(np.float32)
            else:
                mode = {"grayscale": "L", "rgb": "RGB", "rgba": "RGBA"}[color_mode]
                pixels = np.asarray(image.convert(mode), dtype=np.float32)
    except (OSError, ValueError, SyntaxError) as error:
        raise ValueError(f"image_dataset_from_directory: cannot decode {path}: {error}") from None
    if pixels.ndim == 2:
        pixels = pixels[:, :, None]
    if crop_to_aspect_ratio:
        pixels = smart_resize(pixels, image_size, interpolation=interpolation)
    elif pad_to_aspect_ratio:
        pixels = resize_with_pad(pixels, image_size, interpolation=interpolation)
    elif pixels.shape[:2] != image_size:
        resized = image_ops.resize(pixels, image_size, interpolation=interpolation)
        pixels = np.asarray(getattr(resized, "data", resized), dtype=np.float32)
    if data_format == "channels_first":
        pixels = pixels.transpose(2, 0, 1)
    return pixels
