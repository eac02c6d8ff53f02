"""`python -m troth.manage ...`: Django's management commands, for developers."""

import os
import sys

from django.core.management import execute_from_command_line

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "troth.settings")
    execute_from_command_line(sys.argv)
