from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # CardDAV: your people as an address book for a phone (troth.dav)
    path("", include("troth.dav.urls")),
    path("", include("troth.web.urls")),
]

# A lock timeout outside a view is "busy, try again" (503) too (troth.web.busy).
handler500 = "troth.web.busy.server_error"
