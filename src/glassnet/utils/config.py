"""``keras.utils.Config``: a dict of settings read and written as attributes, that can be frozen.

Example:

>>> from glassnet.utils import Config
>>> config = Config(learning_rate=0.1)
>>> config.momentum = 0.9
>>> config.freeze()
>>> sorted(config.as_dict().items())
[('learning_rate', 0.1), ('momentum', 0.9)]
>>> config.to_json()
'{"learning_rate": 0.1, "momentum": 0.9}'
"""

import copy
import json


class Config:
    """Settings by name: ``config.seed = 1`` and ``config["seed"]`` are the same entry.

    Args:
        **kwargs: the initial entries.

    Example:

    >>> from glassnet.utils import Config
    >>> config = Config(optimizer="adam")
    >>> config.freeze()
    >>> config.seed = 1
    Traceback (most recent call last):
    ...
    ValueError: Config: cannot set 'seed': the config is frozen (call unfreeze() first)
    """

    _OWN = ("_config", "_frozen")

    def __init__(self, **kwargs):
        object.__setattr__(self, "_config", dict(kwargs))
        object.__setattr__(self, "_frozen", False)

    @property
    def frozen(self):
        """Whether changes are refused."""
        return self._frozen

    def freeze(self):
        """Refuse every change from now on."""
        object.__setattr__(self, "_frozen", True)

    def unfreeze(self):
        """Allow changes again."""
        object.__setattr__(self, "_frozen", False)

    def _check_not_frozen(self, what):
        if self._frozen:
            raise ValueError(f"Config: cannot {what}: the config is frozen (call unfreeze() first)")

    def as_dict(self):
        """A shallow copy of the entries as a dict."""
        return copy.copy(self._config)

    def to_json(self):
        """The entries as JSON text."""
        return json.dumps(self._config)

    def keys(self):
        return self._config.keys()

    def values(self):
        return self._config.values()

    def items(self):
        return self._config.items()

    def get(self, keyname, value=None):
        return self._config.get(keyname, value)

    def pop(self, *args):
        self._check_not_frozen(f"pop {args[0]!r}" if args else "pop")
        return self._config.pop(*args)

    def update(self, *args, **kwargs):
        self._check_not_frozen("update")
        self._config.update(*args, **kwargs)

    def __setattr__(self, name, value):
        if name in self._OWN:
            return object.__setattr__(self, name, value)
        self._check_not_frozen(f"set {name!r}")
        self._config[name] = value

    def __getattr__(self, name):
        config = object.__getattribute__(self, "_config")
        if name in config:
            return config[name]
        raise AttributeError(f"Config has no entry {name!r}; its entries are {sorted(config)}")

    def __delattr__(self, name):
        self._check_not_frozen(f"delete {name!r}")
        if name not in self._config:
            raise AttributeError(f"Config has no entry {name!r}")
        del self._config[name]

    def __setitem__(self, key, value):
        self._check_not_frozen(f"set {key!r}")
        self._config[key] = value

    def __getitem__(self, key):
        return self._config[key]

    def __delitem__(self, key):
        self._check_not_frozen(f"delete {key!r}")
        del self._config[key]

    def __contains__(self, key):
        return key in self._config

    def __iter__(self):
        return iter(self._config)

    def __len__(self):
        return len(self._config)

    def __repr__(self):
        return f"<Config {self._config!r}>"
