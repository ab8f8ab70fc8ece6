"""Portal pages: parse a form, call an action, render a page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from frontdesk.portal.models import Brand
from frontdesk.portal.templatetags.portal_tags import optional_url


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {"portal_nav": "home", "kb_search_url": optional_url("kb:portal_search")},
    )


@require_GET
def my_requests(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/requests.html", {"portal_nav": "requests"})


def submit(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/submit.html", {"portal_nav": "submit"})


@require_GET
def brand_logo(request: HttpRequest, slug: str) -> HttpResponse:
    brand = get_object_or_404(Brand.objects.exclude(logo_content_type=""), slug=slug)
    response = HttpResponse(bytes(brand.logo), content_type=brand.logo_content_type)
    response["Cache-Control"] = "public, max-age=86400"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
