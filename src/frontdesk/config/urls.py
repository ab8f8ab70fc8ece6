from django.urls import include, path
from django.views.generic import RedirectView

from frontdesk.api.root import api
from frontdesk.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("api/v1/", api.urls),
    path("accounts/", include("allauth.urls")),
    path("desk/", include("frontdesk.tickets.urls")),
    path("desk/", include("frontdesk.customers.urls")),
    path("desk/", include("frontdesk.notifications.urls")),
    path("desk/", include("frontdesk.macros.urls")),
    path("desk/", include("frontdesk.ai.urls")),
    path("desk/admin/webhooks/", include("frontdesk.webhooks.urls")),
    path("desk/", include("frontdesk.outbox.urls")),
    path("desk/reports/", include("frontdesk.reports.urls")),
    path("desk/admin/sla/", include("frontdesk.sla.urls")),
    path("desk/admin/routing/", include("frontdesk.routing.urls")),
    path("desk/admin/mail/", include("frontdesk.mail.urls")),
    path("hooks/mail/", include("frontdesk.mail.hook_urls")),
    path("hooks/alerts/", include("frontdesk.alerts.hook_urls")),
    path("hooks/intake/", include("frontdesk.intake.hook_urls")),
    path("desk/", include("frontdesk.phone.urls")),
    path("hooks/slack/", include("frontdesk.slack.hook_urls")),
    path("", include("frontdesk.chat.urls")),
    path("desk/", include("frontdesk.routing.assignment_urls")),
    path("desk/admin/", include("frontdesk.triggers.urls")),
    path("", include("frontdesk.kb.urls")),
    path("", include("frontdesk.csat.urls")),
    path("portal/", include("frontdesk.portal.urls")),
    path("", include("frontdesk.approvals.urls")),
    path("", RedirectView.as_view(url="/desk/", permanent=False)),
]

handler404 = "frontdesk.core.views.not_found"
