"""Knowledge-base pages (`kb:*`), mounted at the site root: the agent editor under
/desk/kb/ and the customer pages under /portal/kb/."""

from django.urls import path

from frontdesk.kb import views

app_name = "kb"

urlpatterns = [
    # The customers' knowledge base.
    path("portal/kb/", views.portal_home, name="portal_home"),
    path("portal/kb/search/", views.portal_search, name="portal_search"),
    path("portal/kb/suggest", views.portal_suggest, name="portal_suggest"),
    path("portal/kb/articles/<slug:slug>/", views.portal_article, name="portal_article"),
    path("portal/kb/articles/<slug:slug>/feedback", views.portal_feedback, name="portal_feedback"),
    path("portal/kb/files/<str:file_id>/<str:name>", views.portal_file, name="portal_file"),
    # The agent editor.
    path("desk/kb/", views.desk_list, name="desk_list"),
    path("desk/kb/structure", views.desk_structure, name="desk_structure"),
    path("desk/kb/new/", views.desk_article, name="desk_new"),
    path("desk/kb/preview", views.desk_preview, name="desk_preview"),
    path("desk/kb/pick", views.desk_pick, name="desk_pick"),
    path("desk/kb/<int:article_id>/", views.desk_article, name="desk_article"),
    path("desk/kb/<int:article_id>/files", views.desk_upload, name="desk_upload"),
    path("desk/kb/<int:article_id>/delete", views.desk_delete, name="desk_delete"),
    path("desk/kb/<int:article_id>/revisions/", views.desk_revisions, name="desk_revisions"),
    path(
        "desk/kb/<int:article_id>/revisions/<int:number>/restore",
        views.desk_restore,
        name="desk_restore",
    ),
]
