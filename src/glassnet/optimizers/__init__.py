"""Optimizers with Keras's names and defaults; ``optimizers.get('adam')`` for compile's strings."""

from glassnet.optimizers import schedules
from glassnet.optimizers.adagrad import Adadelta, Adagrad
from glassnet.optimizers.adam import Adam, Adamax, AdamW, Nadam
from glassnet.optimizers.optimizer import Optimizer
from glassnet.optimizers.rmsprop import RMSprop
from glassnet.optimizers.sgd import SGD
from glassnet.utils.lookup import lookup

_BY_NAME = {
    "sgd": SGD,
    "rmsprop": RMSprop,
    "adam": Adam,
    "adamw": AdamW,
    "adagrad": Adagrad,
    "adadelta": Adadelta,
    "adamax": Adamax,
    "nadam": Nadam,
}


def deserialize(config):
    """An optimizer from {'class_name': ..., 'config': ...}; a learning-rate schedule inside is rebuilt too."""
    options = dict(config.get("config", {}))
    rate = options.get("learning_rate")
    if isinstance(rate, dict):
        options["learning_rate"] = lookup(
            "learning-rate schedule",
            rate["class_name"],
            {
                name: cls
                for name, cls in vars(schedules).items()
                if isinstance(cls, type) and issubclass(cls, schedules.LearningRateSchedule)
            },
        ).from_config(rate.get("config", {}))
    return lookup("optimizer", config["class_name"], _BY_NAME).from_config(options)


def get(identifier):
    """An optimizer from a name ('adam'), a config dict or an instance."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return lookup("optimizer", identifier, _BY_NAME)()
    raise TypeError(
        f"Could not interpret optimizer {identifier!r}: give a name such as 'adam' or an Optimizer instance"
    )


__all__ = [
    "Optimizer",
    "SGD",
    "RMSprop",
    "Adam",
    "AdamW",
    "Adagrad",
    "Adadelta",
    "Adamax",
    "Nadam",
    "schedules",
    "get",
]
