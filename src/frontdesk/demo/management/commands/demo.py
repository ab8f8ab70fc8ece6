"""`frontdesk demo`: load the demo help desk once and print its logins."""

from typing import Any

from django.core.management.base import BaseCommand

from frontdesk.demo.demo_data import load_demo


class Command(BaseCommand):
    help = "Load the demo help desk (teams, people, customers, ~300 tickets), once."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = load_demo()
        if options["verbosity"] == 0:
            return
        if summary.created:
            self.stdout.write(
                f"Loaded demo data in {summary.seconds:.1f} s ({summary.tickets} tickets)."
            )
        else:
            self.stdout.write("Demo data is already loaded; nothing to do.")
        self.stdout.write(f"Demo logins (password: {summary.password}):")
        for role, email in summary.logins:
            self.stdout.write(f"  {role:<12} {email}")
