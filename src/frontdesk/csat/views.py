"""Survey pages (`csat:*`): the emailed link's page at /csat/<token>/ and the portal's
/portal/satisfaction/<number>/.

A GET never records anything (mail scanners follow links): it shows the rating chosen in
the email preselected, a comment box and a button; the POST records it.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from frontdesk.accounts.models import User
from frontdesk.core import clock
from frontdesk.core.errors import DomainError
from frontdesk.csat import actions
from frontdesk.csat.choices import Rating
from frontdesk.csat.models import Survey


def _page(request: HttpRequest, survey: Survey, *, action: str) -> HttpResponse:
    now = clock.now()
    error, saved, status = "", False, 200
    chosen = request.GET.get("rating", "") or survey.rating
    comment = survey.comment
    if request.method == "POST":
        chosen = request.POST.get("rating", "")
        comment = request.POST.get("comment", "")
        try:
            survey = actions.rate(survey, chosen, comment, now=now)
        except DomainError as exc:
            error, status = exc.message, exc.http_status
        else:
            saved = True
    context = {
        "portal_nav": "requests",
        "survey": survey,
        "ticket": survey.ticket,
        "chosen": chosen if chosen in Rating.values else "",
        "comment": comment,
        "error": error,
        "saved": saved,
        "open": actions.is_open(survey, now),
        "action": action,
        "ratings": [
            (Rating.GOOD, _("Good, I'm satisfied")),
            (Rating.BAD, _("Bad, I'm not satisfied")),
        ],
    }
    response = render(request, "csat/rate.html", context, status=status)
    response["Referrer-Policy"] = "no-referrer"  # the token is in the address
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def link(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: the token is the credential (stored hashed)."""
    return _page(request, actions.survey_by_token(token), action=request.path)


@require_http_methods(["GET", "POST"])
@login_required
def portal_rate(request: HttpRequest, number: int) -> HttpResponse:
    """The same in the portal, for the signed-in requester."""
    user = request.user
    assert isinstance(user, User)
    return _page(request, actions.survey_for_requester(user, number), action=request.path)
