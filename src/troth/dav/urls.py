from django.urls import path, re_path

from troth.dav import views

# re_path: a DAV client asks for collections with and without their slash, and
# CommonMiddleware's APPEND_SLASH cannot redirect a PROPFIND.
urlpatterns = [
    re_path(r"^\.well-known/carddav/?$", views.well_known, name="dav-well-known"),
    re_path(r"^dav/?$", views.dav, name="dav-root"),
    re_path(r"^dav/(?P<rest>.+)$", views.dav, name="dav"),
    path("settings/phone", views.phone_settings, name="dav-settings"),
]
