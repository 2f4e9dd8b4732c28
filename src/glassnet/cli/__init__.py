"""The ``glassnet`` command line.

Every mistake in what the user gives (an option's value, a file, the output folder) ends in one
paragraph on stderr and exit status 2, before any training starts; Ctrl-C ends with status 130
after saving what a finished epoch left; a bug in glassnet says so with status 1. Never a
traceback.

Example:

>>> main(["--version"])  # doctest: +ELLIPSIS
glassnet ...
0
"""

import argparse
import re
import sys

from glassnet.cli import arguments

DEMO_TIME = "about 10 s with --quick, 30 s in full, on an idle 2-core machine"


class _Parser(argparse.ArgumentParser):
    """argparse's parser, but a usage error is one paragraph: what was wrong and where to look."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "-1e-3" is a (negative) value, not an option: older argparse knows only "-1" and "-.5"
        self._negative_number_matcher = re.compile(r"^-\.?\d")

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}. See '{self.prog} --help'.\n")


class _Formatter(argparse.HelpFormatter):
    """Shows each option's default after its help (when it has one worth showing)."""

    def _get_help_string(self, action):
        text = action.help or ""
        default = action.default
        if (
            "%(default)" not in text
            and not any(default is nothing for nothing in (None, False, argparse.SUPPRESS))
            and action.option_strings
        ):
            text += " (default: %(default)s)"
        return text


def _add(commands, name, help, description=None):
    return commands.add_parser(
        name, help=help, description=description or help, formatter_class=_Formatter
    )


def build_parser():
    """The argparse parser of every subcommand.

    Example:

    >>> args = build_parser().parse_args(["summary", "model.glassnet"])
    >>> args.command, args.model
    ('summary', 'model.glassnet')
    """
    from glassnet.cli.data import DATASETS
    from glassnet.version import __version__

    parser = _Parser(
        prog="glassnet",
        description="glassnet: neural networks in plain NumPy, with Keras's API.",
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"glassnet {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = _add(
        commands,
        "demo",
        f"the tutorial progression on embedded data (no network; {DEMO_TIME})",
        "Train the tutorial progression on embedded data and write plots, metrics and models "
        f"to a run folder. It takes {DEMO_TIME}.",
    )
    demo.add_argument(
        "--out", type=arguments.path_text, help="run folder (default: runs/demo-<date-time>)"
    )
    demo.add_argument("--quick", action="store_true", help="fewer epochs, for a fast check")
    demo.add_argument("--seed", type=arguments.seed, default=0, help="random seed")
    demo.add_argument(
        "--overwrite", action="store_true", help="replace an earlier demo's results in --out"
    )

    train = _add(
        commands,
        "train",
        "train a model on a dataset",
        "Train a model and save it with its metrics and plots. The model file starts with the "
        "preprocessing the dataset needs, so it takes raw input (0-255 pixels, measurements "
        "as measured). Ctrl-C after an epoch keeps the model of the last finished epoch.",
    )
    train.add_argument("--dataset", required=True, choices=DATASETS, help="the data to learn")
    train.add_argument(
        "--model",
        default="mlp",
        help="mlp, cnn, or PATH.json (a model config as model.to_json() writes)",
    )
    train.add_argument(
        "--epochs", type=arguments.positive_int, default=10, help="passes over the data"
    )
    train.add_argument(
        "--batch-size", type=arguments.positive_int, default=32, help="samples per step"
    )
    train.add_argument("--optimizer", default="adam", help="an optimizer name, e.g. adam, sgd")
    train.add_argument(
        "--learning-rate",
        type=arguments.positive_float,
        help="the optimizer's step size (default: the optimizer's own, 0.001 for adam)",
    )
    train.add_argument(
        "--validation-split",
        type=arguments.fraction,
        default=0.1,
        help="share of the training data held out to validate each epoch",
    )
    train.add_argument("--seed", type=arguments.seed, default=0, help="random seed")
    train.add_argument(
        "--verbose", type=int, default=1, choices=(0, 1, 2), help="0 silent, 1 bar, 2 one line"
    )
    train.add_argument(
        "--out",
        type=arguments.path_text,
        help="folder for model.glassnet, metrics.json, history.csv and plots "
        "(default: a new folder runs/train-<dataset>-<model>-<date-time>)",
    )
    resume = train.add_mutually_exclusive_group()
    resume.add_argument(
        "--overwrite", action="store_true", help="replace an earlier run's results in --out"
    )
    resume.add_argument(
        "--resume", action="store_true", help="continue the interrupted run in --out"
    )

    evaluate = _add(
        commands, "evaluate", "accuracy, per-class report and confusion matrix of a saved model"
    )
    evaluate.add_argument("model", type=arguments.path_text, help="a .glassnet file")
    evaluate.add_argument("--dataset", required=True, choices=DATASETS, help="test data")
    evaluate.add_argument(
        "--out",
        type=arguments.path_text,
        help="folder for confusion.png (the run folder of the model is fine: only the plot is "
        "replaced)",
    )

    predict = _add(commands, "predict", "class and probabilities for an input file")
    predict.add_argument("model", type=arguments.path_text, help="a .glassnet file")
    predict.add_argument(
        "input",
        type=arguments.path_text,
        help="a PNG/JPEG image, .npy array or .csv file (one sample per row), raw values as "
        "the dataset holds them",
    )

    summary = _add(commands, "summary", "the layer table of a saved model")
    summary.add_argument("model", type=arguments.path_text, help="a .glassnet file")

    explain = _add(
        commands,
        "explain",
        "one training step, every number shown (the classic 2-2-1 example by default)",
    )
    explain.add_argument(
        "model",
        nargs="?",
        type=arguments.path_text,
        help="a saved model (default: the textbook 2-2-1 network)",
    )
    explain.add_argument(
        "--dataset", choices=DATASETS, help="where the sample comes from when MODEL is given"
    )
    explain.add_argument(
        "--sample",
        type=arguments.non_negative_int,
        help="index of the training sample to explain when MODEL is given (default: 0)",
    )

    from glassnet.playground.cli import add_command as add_playground_command

    add_playground_command(commands)
    return parser


def main(argv=None):
    """Run the command line with ``argv`` (default: sys.argv[1:]); returns the exit status.

    Args:
        argv: the arguments, without the program name; None means ``sys.argv[1:]``.

    Returns:
        0 on success, 2 for a usage or input error, 130 when interrupted (and argparse's own
        status for --help and --version).

    Example:

    >>> main(["--version"])
    glassnet ...
    0
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version and usage errors end here
        return stop.code if isinstance(stop.code, int) else 2
    from glassnet.cli import commands, demo

    handlers = {
        "demo": lambda a: demo.run(a.out, a.quick, a.seed, overwrite=a.overwrite),
        "train": commands.train,
        "evaluate": commands.evaluate,
        "predict": commands.predict,
        "summary": commands.summary,
        "explain": commands.explain,
        "playground": _run_playground,
    }
    try:
        handlers[args.command](args)
    except commands.Interrupted as stop:
        print(f"\nglassnet {args.command}: {stop}", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print(f"\nglassnet {args.command}: interrupted", file=sys.stderr)
        return 130
    except (ValueError, TypeError, OSError, KeyError, RuntimeError) as error:
        print(f"glassnet {args.command}: error: {_message(error)}", file=sys.stderr)
        return 2
    except Exception as error:  # a bug in glassnet: still no traceback for the user, but say so
        print(
            f"glassnet {args.command}: internal error ({type(error).__name__}: {error}). "
            f"Please report it.",
            file=sys.stderr,
        )
        return 1
    return 0


def _message(error):
    """One paragraph from an exception: OSError's "[Errno 2] ... 'x'" made plain."""
    if isinstance(error, OSError) and error.strerror and error.filename:
        return f"{error.filename}: {error.strerror}"
    text = " ".join(str(error).split())
    if isinstance(error, KeyError) and text.startswith("'"):
        text = text.strip("'")
    return text or type(error).__name__


def _run_playground(args):
    from glassnet.playground.cli import run

    if not 0 <= args.port <= 65535:
        raise ValueError(f"--port must be a port number from 0 to 65535, got {args.port}")
    run(args)
