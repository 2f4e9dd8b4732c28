"""Copying a zip archive with some members changed: how the loader tests make broken and
malicious files."""

import zipfile


def rewrite(source, target, change):
    """Copy the archive at ``source`` to ``target``, change(members) applied to its
    {name: bytes}."""
    with zipfile.ZipFile(source) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    change(members)
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return target
