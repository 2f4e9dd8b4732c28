"""The ``glassnet`` command line. Every error ends in a one-paragraph message and exit status 2 (or 1
for an internal error), never a traceback."""

import argparse
import sys


def build_parser():
    from glassnet.cli.data import DATASETS

    parser = argparse.ArgumentParser(
        prog="glassnet", description="glassnet: neural networks in plain NumPy, with Keras's API."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="the tutorial progression on embedded data (no network, about a minute)",
        description="Train the tutorial progression on embedded data and write plots, metrics and models to a run folder.",
    )
    demo.add_argument("--out", help="run folder (default: runs/demo-<time>)")
    demo.add_argument("--quick", action="store_true", help="fewer epochs, for a fast check")
    demo.add_argument("--seed", type=int, default=0)

    train = commands.add_parser(
        "train",
        help="train a model on a dataset",
        description="Train a model and save it with its metrics and plots.",
    )
    train.add_argument("--dataset", required=True, choices=DATASETS)
    train.add_argument(
        "--model",
        default="mlp",
        help="mlp, cnn, or PATH.json (a model config as model.to_json() writes)",
    )
    train.add_argument("--epochs", type=int, default=10)
    train.add_argument("--batch-size", type=int, default=32)
    train.add_argument("--optimizer", default="adam")
    train.add_argument("--learning-rate", type=float)
    train.add_argument("--validation-split", type=float, default=0.1)
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--verbose", type=int, default=1, choices=(0, 1, 2))
    train.add_argument(
        "--out",
        default="run",
        help="folder for model.glassnet, metrics.json, history.csv and plots",
    )

    evaluate = commands.add_parser(
        "evaluate", help="accuracy, per-class report and confusion matrix of a saved model"
    )
    evaluate.add_argument("model", help="a .glassnet file")
    evaluate.add_argument("--dataset", required=True, choices=DATASETS)
    evaluate.add_argument("--out", help="folder for the confusion matrix PNG")

    predict = commands.add_parser("predict", help="class and probabilities for an input file")
    predict.add_argument("model", help="a .glassnet file")
    predict.add_argument(
        "input", help="a PNG/JPEG image, .npy array or .csv file (one sample per row)"
    )

    summary = commands.add_parser("summary", help="the layer table of a saved model")
    summary.add_argument("model", help="a .glassnet file")

    explain = commands.add_parser(
        "explain",
        help="one training step, every number shown (the classic 2-2-1 example by default)",
    )
    explain.add_argument(
        "model", nargs="?", help="a saved Sequential model (default: the textbook 2-2-1 network)"
    )
    explain.add_argument(
        "--dataset", choices=DATASETS, help="where the sample comes from when MODEL is given"
    )
    explain.add_argument("--sample", type=int, default=0)

    from glassnet.playground.cli import add_command as add_playground_command

    add_playground_command(commands)
    return parser


def main(argv=None):
    from glassnet.cli import commands, demo

    parser = build_parser()
    args = parser.parse_args(argv)
    handlers = {
        "demo": lambda a: demo.run(a.out, a.quick, a.seed),
        "train": commands.train,
        "evaluate": commands.evaluate,
        "predict": commands.predict,
        "summary": commands.summary,
        "explain": commands.explain,
        "playground": _run_playground,
    }
    try:
        handlers[args.command](args)
    except KeyboardInterrupt:
        print("\nglassnet: interrupted", file=sys.stderr)
        return 130
    except (ValueError, TypeError, OSError, KeyError, RuntimeError) as error:
        print(f"glassnet {args.command}: error: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # a bug in glassnet: still no traceback for the user, but say so
        print(
            f"glassnet {args.command}: internal error ({type(error).__name__}: {error}). Please report it.",
            file=sys.stderr,
        )
        return 1
    return 0


def _run_playground(args):
    from glassnet.playground.cli import run

    run(args)
