"""``keras.preprocessing.text``: Keras 3 lists no functions here (the text tools are the
``TextVectorization`` layer and ``text_dataset_from_directory``); the module exists so that
imports of it work.

Example:

>>> from glassnet.preprocessing import text
>>> text.__all__
[]
"""

__all__ = []
