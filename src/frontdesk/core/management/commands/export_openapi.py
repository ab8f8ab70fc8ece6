"""`frontdesk export_openapi`: print the OpenAPI 3.1 schema of API v1 (stable key order).

`make schema` writes it to src/frontdesk/api/openapi.json; a test fails when the committed
file and the generated schema drift apart.
"""

import json
from typing import Any

from django.core.management.base import BaseCommand


def openapi_json() -> str:
    from frontdesk.api.root import api

    return (
        json.dumps(api.get_openapi_schema(path_prefix="/api/v1"), indent=1, sort_keys=True) + "\n"
    )


class Command(BaseCommand):
    help = "Print the OpenAPI schema of the REST API."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(openapi_json(), ending="")
