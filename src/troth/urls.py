from django.contrib import admin
from django.urls import include, path

from troth.api.urls import urls as api_urls

# settings install the admin as SimpleAdminConfig: the command line never needs the
# apps' admin modules, so they are found here, where the web app's URLs are read
admin.autodiscover()

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api_urls),
    # CardDAV: your people as an address book for a phone (troth.dav)
    path("", include("troth.dav.urls")),
    path("", include("troth.web.urls")),
]

# A lock timeout outside a view is "busy, try again" (503) too (troth.web.busy).
handler500 = "troth.web.busy.server_error"
