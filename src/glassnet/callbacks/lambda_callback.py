from glassnet.callbacks.callback import Callback


class LambdaCallback(Callback):
    """A callback from plain functions: LambdaCallback(on_epoch_end=lambda epoch, logs: ...)."""

    _HOOKS = (
        "on_epoch_begin",
        "on_epoch_end",
        "on_train_begin",
        "on_train_end",
        "on_train_batch_begin",
        "on_train_batch_end",
        "on_batch_begin",
        "on_batch_end",
    )

    def __init__(self, **hooks):
        super().__init__()
        unknown = set(hooks) - set(self._HOOKS)
        if unknown:
            raise TypeError(
                f"LambdaCallback: unknown hook(s) {sorted(unknown)}; valid: {', '.join(self._HOOKS)}"
            )
        for name, fn in hooks.items():
            if fn is not None:
                target = {
                    "on_batch_begin": "on_train_batch_begin",
                    "on_batch_end": "on_train_batch_end",
                }.get(name, name)
                setattr(self, target, fn)
