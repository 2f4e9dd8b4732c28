"""Looking inside: numerical gradient checks, one-step traces, gradient health while training,
and an activation study."""

from glassnet.inspect.activation_study import compare_activations, plot_activation_study
from glassnet.inspect.gradcheck import GradcheckResult, gradcheck
from glassnet.inspect.gradcheck_model import ModelGradcheckResult, gradcheck_model
from glassnet.inspect.monitor import GradientHealthWarning, GradientMonitor
from glassnet.inspect.trace import Trace, textbook_example, trace

__all__ = [
    "gradcheck",
    "GradcheckResult",
    "gradcheck_model",
    "ModelGradcheckResult",
    "trace",
    "Trace",
    "textbook_example",
    "GradientMonitor",
    "GradientHealthWarning",
    "compare_activations",
    "plot_activation_study",
]
