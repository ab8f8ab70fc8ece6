"""Agent workspace URLs, mounted at /desk/ (`tickets:*`)."""

from django.urls import path

from frontdesk.tickets.views import compose, detail, escalate, home, lists, live, relations, search

app_name = "tickets"

urlpatterns = [
    path("", home.home, name="home"),
    path("views/save/", lists.save_view, name="save_view"),
    path("views/saved/<int:view_id>/", lists.saved_view, name="saved_view"),
    path("views/saved/<int:view_id>/edit/", lists.edit_saved_view, name="edit_saved_view"),
    path("views/saved/<int:view_id>/delete/", lists.delete_saved_view, name="delete_saved_view"),
    path("views/<slug:slug>/", lists.queue, name="queue"),
    path("tickets/bulk/", lists.bulk_update, name="bulk"),
    path("tickets/<int:number>/", detail.ticket_page, name="detail"),
    path("tickets/<int:number>/fields/", detail.update_fields, name="fields"),
    path("tickets/<int:number>/messages/", detail.post_message, name="post_message"),
    path("tickets/<int:number>/claim/", detail.claim, name="claim"),
    path("tickets/<int:number>/escalate/", escalate.escalate, name="escalate"),
    path("tickets/<int:number>/subject/", relations.edit_subject, name="subject"),
    path("tickets/<int:number>/followers/", relations.followers, name="followers"),
    path("tickets/<int:number>/links/", relations.links, name="links"),
    path("tickets/<int:number>/merge/", relations.merge, name="merge"),
    path("tickets/<int:number>/presence/", live.presence, name="presence"),
    path("tickets/new/", compose.new_ticket, name="new"),
    path("compose/preview/", compose.preview, name="preview"),
    path("compose/mentions/", compose.mention_suggestions, name="mention"),
    path("search/", search.search, name="search"),
    path("live/", live.stream, name="live"),
]
