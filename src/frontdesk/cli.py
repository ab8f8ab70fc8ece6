"""The `frontdesk` command: Django's management commands plus `run`, the all-in-one server.

`frontdesk run` migrates, loads demo data on first start, prints the URL and demo logins,
and supervises the web server, the task worker and the scheduler until Ctrl-C.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdesk.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line([sys.argv[0], *sys.argv[1:]])


if __name__ == "__main__":
    main()
