class ModelFileError(ValueError):
    """A model or weights file that glassnet refuses to load: malformed, truncated, too large,
    unsafe, or not matching the model it is loaded into. The message says which and why."""
