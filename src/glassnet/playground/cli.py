"""The ``glassnet playground`` command: start the server, print its address, open the browser,
serve until Ctrl-C.

Example:

>>> import argparse
>>> from glassnet.playground.cli import add_command
>>> commands = argparse.ArgumentParser(prog="glassnet").add_subparsers(dest="command")
>>> parser = add_command(commands)
>>> args = parser.parse_args(["--port", "8123", "--no-browser"])
>>> args.port, args.no_browser
(8123, True)
"""

import sys
import threading
import webbrowser

from glassnet.playground.server import PlaygroundServer


def add_command(commands):
    """Add the ``playground`` subcommand to an argparse subparsers object; returns its parser.

    Args:
        commands: the object ``ArgumentParser.add_subparsers()`` returns.

    Example:

    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="glassnet")
    >>> _ = add_command(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["playground", "--port", "8123"])
    >>> args.command, args.port, args.no_browser
    ('playground', 8123, False)
    """
    parser = commands.add_parser(
        "playground",
        help="watch a network learn in the browser, then export its code (local server)",
        description=(
            "Start the glassnet playground: a page, served from 127.0.0.1 only, where a glassnet "
            "network learns a 2-D problem while you watch; Export gives its Keras program and "
            "model files. Ctrl-C stops it."
        ),
    )
    parser.add_argument(
        "--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)"
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="only print the address; open no browser"
    )
    return parser


def run(args):
    """Serve the playground until Ctrl-C (then stop cleanly and return).

    Args:
        args: the parsed arguments (``port``, ``no_browser``).
    """
    server = PlaygroundServer(port=args.port)
    try:
        print(f"glassnet playground: {server.url}  (Ctrl-C stops it)", flush=True)
        if not args.no_browser:
            # some browsers block the call until they exit: open it beside the server
            threading.Thread(target=webbrowser.open, args=(server.url,), daemon=True).start()
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nglassnet playground: stopped", file=sys.stderr, flush=True)
    finally:
        server.close()
