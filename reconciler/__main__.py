"""``python -m reconciler``."""

from reconciler.cli import entrypoint

if __name__ == "__main__":
    entrypoint()
