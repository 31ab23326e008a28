"""`python -m pipeline ...` is the same as the `notices` command."""
import sys

from .cli import command

sys.exit(command())
