"""Looking inside: numerical gradient checks (and, later, traces and gradient health)."""
from glassnet.inspect.gradcheck import GradcheckResult, gradcheck

__all__ = ["gradcheck", "GradcheckResult"]
