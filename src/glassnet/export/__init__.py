"""Export to other runtimes: ``to_onnx(model, path)`` (needs ``pip install "glassnet[onnx]"``)."""

from glassnet.export.onnx import to_onnx

__all__ = ["to_onnx"]
