"""``glassnet playground``: watch a glassnet network learn in the browser, then take its code.

A local web server (standard library only, bound to 127.0.0.1) serves one page, plain
HTML/JS/CSS shipped in ``static/``; the network on the page is a glassnet model trained in a
thread of the server, and every number the page shows is one glassnet computed.

- ``data``: the 2-D problems, CSV upload, input features and split.
- ``settings``: the choices, their caps, and the model they describe.
- ``session``: the training thread and the frames it publishes.
- ``export``: the Python program that builds and trains the same network.
- ``server``: the HTTP server and its safety checks; ``cli``: the ``glassnet playground`` command.
"""
