"""Optimizers with Keras's names and defaults; ``optimizers.get('adam')`` for compile's strings."""
from glassnet.optimizers import schedules
from glassnet.optimizers.adagrad import Adadelta, Adagrad
from glassnet.optimizers.adam import Adam, Adamax, AdamW, Nadam
from glassnet.optimizers.optimizer import Optimizer
from glassnet.optimizers.rmsprop import RMSprop
from glassnet.optimizers.sgd import SGD
from glassnet.utils.lookup import lookup

_BY_NAME = {"sgd": SGD, "rmsprop": RMSprop, "adam": Adam, "adamw": AdamW, "adagrad": Adagrad,
            "adadelta": Adadelta, "adamax": Adamax, "nadam": Nadam}


def get(identifier):
    """An optimizer from a name ('adam'), a config dict or an instance."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return lookup("optimizer", identifier["class_name"], _BY_NAME).from_config(identifier.get("config", {}))
    if isinstance(identifier, str):
        return lookup("optimizer", identifier, _BY_NAME)()
    raise TypeError(f"Could not interpret optimizer {identifier!r}: give a name such as 'adam' or an Optimizer instance")


__all__ = ["Optimizer", "SGD", "RMSprop", "Adam", "AdamW", "Adagrad", "Adadelta", "Adamax", "Nadam", "schedules", "get"]
