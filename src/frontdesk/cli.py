"""The `frontdesk` command: Django's management commands plus `run`, the all-in-one server.

`frontdesk run` migrates, loads demo data on first start, prints the URL and demo logins,
and supervises the web server, the task worker and the scheduler until Ctrl-C.
"""

import os
import sys

# Commands spelled with a hyphen on the command line (Django's are module names).
HYPHENATED = {"ingest-email": "ingest_email"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdesk.config.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    if args and args[0] in HYPHENATED:
        args[0] = HYPHENATED[args[0]]
    execute_from_command_line([sys.argv[0], *args])


if __name__ == "__main__":
    main()
