from django.contrib.auth import views as auth_views
from django.urls import path

from troth.web.views import imports as import_views
from troth.web.views import insights, paths, people, person, today
from troth.web.views import intros as intro_views
from troth.web.views import needs as need_views
from troth.web.views import settings as settings_views

app_name = "web"

urlpatterns = [
    path("", today.today, name="today"),
    path("today/undo", today.undo, name="item-undo"),
    path("today/<str:item_id>/done", today.done, name="item-done"),
    path("today/<str:item_id>/snooze", today.snooze, name="item-snooze"),
    path("today/<str:item_id>/skip", today.skip, name="item-skip"),
    path("today/<str:item_id>/draft", today.draft, name="item-draft"),
    path("people/", people.people, name="people"),
    path("people/tag", people.bulk_tag, name="people-tag"),
    path("people/add", people.add_person, name="people-add"),
    path("people/merge", people.merge, name="people-merge"),
    path("people/merges/<int:merge_id>/undo", people.unmerge, name="people-unmerge"),
    path("people/<int:person_id>/", person.person_page, name="person"),
    path("people/<int:person_id>/photo", person.photo, name="person-photo"),
    path("people/<int:person_id>/trust", person.trust, name="person-trust"),
    path("people/<int:person_id>/add/<str:kind>", person.quick_add, name="quick-add"),
    path("people/<int:person_id>/edit", person.edit, name="person-edit"),
    path("people/<int:person_id>/archive", person.archive, name="person-archive"),
    path("people/<int:person_id>/delete", person.delete, name="person-delete"),
    path("people/<int:person_id>/ready", person.ready, name="person-ready"),
    path("people/<int:person_id>/paths", paths.person_paths, name="person-paths"),
    path("paths/", paths.company_paths, name="paths"),
    path("paths/ask", paths.ask, name="paths-ask"),
    path("paths/plan", paths.plan, name="paths-plan"),
    path(
        "people/<int:person_id>/needs/<int:need_id>/withdraw",
        person.withdraw_need,
        name="need-withdraw",
    ),
    path(
        "people/<int:person_id>/promises/<int:promise_id>/undo",
        person.promise_undo,
        name="promise-undo",
    ),
    path(
        "people/<int:person_id>/promises/<int:promise_id>/<str:status>",
        person.promise_status,
        name="promise-status",
    ),
    path("insights/", insights.insights, name="insights"),
    path("insights/tiers", insights.tiers, name="insights-tiers"),
    path("insights/network.json", insights.network, name="insights-network"),
    path("intros/", intro_views.intros_page, name="intros"),
    path("intros/start/<str:kind>", intro_views.start, name="intro-start"),
    path("intros/<int:intro_id>/step", intro_views.step, name="intro-step"),
    path("intros/<int:intro_id>/draft", intro_views.draft, name="intro-draft"),
    path("intros/<int:intro_id>/nudge", intro_views.nudge, name="intro-nudge"),
    path("needs/", need_views.needs_page, name="needs"),
    path("needs/add", need_views.add_need, name="needs-add"),
    path("needs/i-can-help", need_views.i_can_help, name="needs-i-can-help"),
    path("needs/<int:need_id>/helpers", need_views.helpers, name="need-helpers"),
    path("needs/<int:need_id>/withdraw", need_views.withdraw, name="needs-withdraw"),
    path("import/", import_views.import_page, name="import"),
    path("import/upload", import_views.upload, name="import-upload"),
    path("import/<int:run_id>/", import_views.run_page, name="import-run"),
    path("import/<int:run_id>/status", import_views.run_status, name="import-status"),
    path("import/<int:run_id>/report.csv", import_views.report, name="import-report"),
    path("import/<int:run_id>/confirm", import_views.confirm, name="import-confirm"),
    path("import/<int:run_id>/cancel", import_views.cancel, name="import-cancel"),
    path("import/<int:run_id>/undo", import_views.undo, name="import-undo"),
    path(
        "import/<int:run_id>/suggestions/<int:suggestion_id>/<str:decision>",
        import_views.decide,
        name="import-decide",
    ),
    path(
        "import/<int:run_id>/merges/<int:merge_id>/undo",
        import_views.unmerge,
        name="import-unmerge",
    ),
    path("settings/", settings_views.settings_page, name="settings"),
    path("settings/identity", settings_views.identity, name="settings-identity"),
    path("settings/identity/remove", settings_views.remove_contact, name="settings-remove"),
    path("settings/digest", settings_views.send_digest, name="settings-digest"),
    path("settings/calendar/new", settings_views.calendar_new, name="calendar-new"),
    path("settings/calendar/revoke", settings_views.calendar_revoke, name="calendar-revoke"),
    path("calendar/<str:token>.ics", settings_views.calendar_feed, name="calendar-feed"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
