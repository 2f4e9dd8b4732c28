"""Optimizers with Keras's names and defaults; ``optimizers.get('adam')`` for compile's strings."""

from glassnet.optimizers import schedules
from glassnet.optimizers.adafactor import Adafactor
from glassnet.optimizers.adagrad import Adadelta, Adagrad
from glassnet.optimizers.adam import Adam, Adamax, AdamW, Nadam
from glassnet.optimizers.ftrl import Ftrl
from glassnet.optimizers.lamb import Lamb
from glassnet.optimizers.lion import Lion
from glassnet.optimizers.multi_optimizer import MultiOptimizer, OptimizerMap
from glassnet.optimizers.muon import Muon
from glassnet.optimizers.optimizer import Optimizer
from glassnet.optimizers.rmsprop import RMSprop
from glassnet.optimizers.schedule_free_adamw import ScheduleFreeAdamW
from glassnet.optimizers.serialization import deserialize, get, serialize
from glassnet.optimizers.sgd import SGD

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
    "Adafactor",
    "Ftrl",
    "Lamb",
    "Lion",
    "Muon",
    "ScheduleFreeAdamW",
    "MultiOptimizer",
    "OptimizerMap",
    "schedules",
    "serialize",
    "deserialize",
    "get",
]
