"""trackdrive-reconciler: TrackDrive schedules as code.

The pure core (``spec``, ``loader``, ``normalize``, ``live``, ``diff``, ``plan``, ``render``)
turns specs and live records into a plan; the edges (``trackdrive`` client, ``apply``,
``cli``) talk to the world. ``sandbox`` is a separate local TrackDrive-compatible server.
"""

from reconciler.__about__ import __version__

__all__ = ["__version__"]
