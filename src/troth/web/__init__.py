"""The web app: troth in the browser, over the same service layer as the CLI.

How a page is built (so the next one fits in):

- A view lives in `views/<page>.py`, reads the owner with `owner_of(request)` and
  calls service functions only (queries for reads, `do_*` actions for writes inside
  `transaction.atomic()`); a `NotFound` left to escape becomes a 404 and any other
  `TrothError` a 400 page (`middleware.TrothErrorMiddleware`), another owner's row is
  never found. Its URL goes in `urls.py` under the `web:` namespace.
- A template extends `web/base.html` (fill `title` and `content`, pass `nav` so the
  menu marks the page) and links `web/troth.css`; add the page to the nav in
  base.html once it exists.
- In-place actions use htmx (vendored `static/web/htmx.min.js`, 2.0.x, from the
  django-htmx package): `page(request, full, partial=...)` renders only the partial
  when `request.htmx`. A form with errors comes back with status 400 and htmx swaps
  it in anyway (see the `htmx-config` meta in base.html); after a success the
  partial may carry `hx-swap-oob` pieces to refresh other parts of the page.
- Forms (`forms.py`) check shapes; the service function decides what is allowed and
  its `TrothError` is added to the form as a non-field error. Anything that escapes
  a view as a TrothError is a 400 page (`TrothErrorMiddleware`).
- Local mode (`troth serve` on loopback) signs the local owner in without a login
  (`LocalOwnerMiddleware`); elsewhere `LoginRequiredMiddleware` asks for one. Mark
  a public view with `django.contrib.auth.decorators.login_not_required`.
- Keyboard shortcuts live in `static/web/troth.js` (`?` lists them).
"""
