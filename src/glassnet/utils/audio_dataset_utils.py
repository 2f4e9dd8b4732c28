"""``audio_dataset_from_directory``: a folder with one subfolder of .wav files per class, as a
dataset of (audio, labels) batches. WAV files are read with the standard library's ``wave``.

Example:

>>> import os, tempfile, wave, numpy as np
>>> from glassnet.utils import audio_dataset_from_directory
>>> root = tempfile.mkdtemp()
>>> os.makedirs(os.path.join(root, "beep"))
>>> with wave.open(os.path.join(root, "beep", "a.wav"), "wb") as out:
...     out.setnchannels(1); out.setsampwidth(2); out.setframerate(8000)
...     out.writeframes(np.array([0, 16384, -16384], dtype="<i2").tobytes())
>>> audio, labels = next(iter(audio_dataset_from_directory(root, verbose=False)))
>>> audio[0, :, 0].tolist(), labels.tolist()
([0.0, 0.5, -0.5], [0])
"""

import wave

import numpy as np

from glassnet.utils import dataset_utils
from glassnet.utils.dataset import Dataset
from glassnet.utils.image_dataset_utils import _check_common


def read_wav(path):
    """(samples (time, channels) float32 in [-1, 1], sampling rate) of a PCM WAV file.

    Args:
        path: the WAV file (8-, 16-, 24- or 32-bit PCM).

    Raises:
        ValueError: the file is not a readable PCM WAV file.

    Example:

    >>> import os, tempfile, wave
    >>> import numpy as np
    >>> path = os.path.join(tempfile.mkdtemp(), "a.wav")
    >>> with wave.open(path, "wb") as handle:
    ...     handle.setnchannels(1); handle.setsampwidth(2); handle.setframerate(8000)
    ...     handle.writeframes(np.array([0, 16384, -32768], "<i2").tobytes())
    >>> samples, rate = read_wav(path)
    >>> samples.ravel().tolist(), rate
    ([0.0, 0.5, -1.0], 8000)
    """
    try:
        with wave.open(str(path), "rb") as handle:
            channels, width = handle.getnchannels(), handle.getsampwidth()
            rate, frames = handle.getframerate(), handle.readframes(handle.getnframes())
    except (wave.Error, EOFError, OSError) as error:
        raise ValueError(f"audio_dataset_from_directory: cannot read {path}: {error}") from None
    if width == 1:
        values = (np.frombuffer(frames, np.uint8).astype(np.float32) - 128) / 128
    elif width == 2:
        values = np.frombuffer(frames, "<i2").astype(np.float32) / 32768
    elif width == 3:
        raw = np.frombuffer(frames, np.uint8).reshape(-1, 3).astype(np.int32)
        values = raw[:, 0] | (raw[:, 1] << 8) | (raw[:, 2] << 16)
        values = np.where(values >= 1 << 23, values - (1 << 24), values).astype(np.float32) / 2**23
    elif width == 4:
        values = np.frombuffer(frames, "<i4").astype(np.float32) / 2**31
    else:
        raise ValueError(f"audio_dataset_from_directory: {path} has {width}-byte samples")
    return values.reshape(-1, channels), rate


def _resample(samples, rate, target):
    if rate == target:
        return samples
    length = int(round(len(samples) * target / rate))
    old = np.arange(len(samples)) / rate
    new = np.arange(length) / target
    return np.stack([np.interp(new, old, samples[:, c]) for c in range(samples.shape[1])], 1)


def audio_dataset_from_directory(
    directory,
    labels="inferred",
    label_mode="int",
    class_names=None,
    batch_size=32,
    sampling_rate=None,
    output_sequence_length=None,
    ragged=False,
    shuffle=True,
    seed=None,
    validation_split=None,
    subset=None,
    follow_links=False,
    verbose=True,
):
    """A dataset of audio batches from a folder of .wav files.

    Args:
        directory: the folder (one subfolder per class with labels="inferred").
        labels, label_mode, class_names: as for ``image_dataset_from_directory``.
        batch_size: clips per batch; None gives single clips.
        sampling_rate: resample every clip to this rate (linear interpolation); None keeps
            each file's rate.
        output_sequence_length: cut or zero-pad every clip to this many samples; None pads
            each batch to its longest clip.
        ragged: not supported (glassnet has no ragged arrays).
        shuffle, seed, validation_split, subset, follow_links, verbose: as for
            ``image_dataset_from_directory``.

    Returns:
        a ``Dataset`` of float32 audio (batch, time, channels) in [-1, 1], with labels unless
        label_mode or labels is None; it has ``class_names`` and ``file_paths``.

    Example:

    >>> import os, tempfile, wave
    >>> import numpy as np
    >>> root = tempfile.mkdtemp()
    >>> for label in ("no", "yes"):
    ...     os.makedirs(os.path.join(root, label))
    ...     with wave.open(os.path.join(root, label, "a.wav"), "wb") as handle:
    ...         handle.setnchannels(1); handle.setsampwidth(2); handle.setframerate(8000)
    ...         handle.writeframes(np.zeros(5, "<i2").tobytes())
    >>> dataset = audio_dataset_from_directory(root, batch_size=2, shuffle=False)
    Found 2 files belonging to 2 classes.
    >>> audio, labels = next(iter(dataset))
    >>> dataset.class_names, audio.shape, labels.tolist()
    (['no', 'yes'], (2, 5, 1), [0, 1])
    """
    where = "audio_dataset_from_directory"
    _check_common(labels, label_mode, "tf", where)
    if ragged:
        raise ValueError(f"{where}: ragged=True is not supported; pad with output_sequence_length")
    dataset_utils.check_validation_split(validation_split, subset, shuffle, seed, where)
    if seed is None:
        seed = int(np.random.randint(1e6))
    paths, label_array, names = dataset_utils.index_directory(
        directory, labels, (".wav",), class_names, shuffle, seed, follow_links, verbose, where
    )
    if not paths:
        raise ValueError(f"{where}: no .wav files found in {str(directory)!r}")
    num_classes = len(names) if names else 0
    dataset_utils.check_label_mode(label_mode if labels is not None else None, num_classes, where)
    if labels is None:
        label_mode = None

    def load(path):
        samples, rate = read_wav(path)
        if sampling_rate is not None:
            samples = _resample(samples, rate, int(sampling_rate)).astype(np.float32)
        if output_sequence_length is not None:
            samples = _fit_length(samples, int(output_sequence_length))
        return samples

    def make(subset_name):
        subset_paths, subset_labels = dataset_utils.training_or_validation_split(
            np.array(paths, dtype=object), label_array, validation_split, subset_name, verbose
        )
        single = dataset_utils.files_dataset(
            subset_paths,
            subset_labels,
            load,
            label_mode,
            num_classes,
            None,
            shuffle,
            seed,
            names,
            where,
        )
        if batch_size is None:
            return single
        batched = _padded_batches(single, int(batch_size))
        batched.class_names, batched.file_paths = names, single.file_paths
        return batched

    if subset == "both":
        return [make("training"), make("validation")]
    return make(subset)


def _fit_length(samples, length):
    if len(samples) >= length:
        return samples[:length]
    return np.pad(samples, ((0, length - len(samples)), (0, 0)))


def _padded_batches(dataset, batch_size):
    """Batches of clips zero-padded at the end to the longest clip of the batch."""

    def batches():
        chunk = []
        for element in dataset:
            chunk.append(element)
            if len(chunk) == batch_size:
                yield _stack_padded(chunk)
                chunk = []
        if chunk:
            yield _stack_padded(chunk)

    count = dataset.cardinality()
    return Dataset(batches, -(-count // batch_size) if count >= 0 else count)


def _stack_padded(chunk):
    labelled = isinstance(chunk[0], tuple)
    clips = [c[0] if labelled else c for c in chunk]
    length = max(len(c) for c in clips)
    audio = np.stack([_fit_length(c, length) for c in clips]).astype(np.float32)
    if not labelled:
        return audio
    return audio, np.stack([c[1] for c in chunk])
