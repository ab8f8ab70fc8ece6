from django.urls import path

from frontdesk.chat import views

app_name = "chat"

urlpatterns = [
    path("chat/api/<slug:key>/config", views.config, name="config"),
    path("chat/api/<slug:key>/start", views.start, name="start"),
    path("chat/api/<slug:key>/messages", views.messages, name="messages"),
    path("chat/api/<slug:key>/files", views.files, name="files"),
    path("chat/api/<slug:key>/typing", views.typing, name="typing"),
    path("chat/api/<slug:key>/end", views.end, name="end"),
    path("chat/api/<slug:key>/stream", views.stream, name="stream"),
    path("desk/chats/", views.chats, name="chats"),
    path("desk/chats/<int:number>/accept", views.accept, name="accept"),
]
