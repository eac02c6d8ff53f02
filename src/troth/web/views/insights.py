"""Insights: give and take, follow-through, tiers and who is cooling as charts, and
the network of the strongest ties. The series come from `troth.insights.queries`
(owner-scoped) and reach the page as JSON through `json_script`; every chart has its
numbers in a table beside it for screen readers and for anyone who prefers them.

Two parts load after the page: the tiers over time (scoring the whole network as of
six past days takes seconds at 30,000 people the first time each day; then it is
cached) and the network (its size is the reader's choice, up to a few thousand)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from troth.errors import NotFound, TrothError, web_text
from troth.insights import queries, series
from troth.lib.text import is_number
from troth.trust.constants import TIERS
from troth.trust.queries import fresh_scores
from troth.web.views.common import owner_of, page

NETWORK_SIZES = (100, 300, 1000, 3000, 5000)


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "n/a"


def _summaries(give: dict[str, Any], follow: dict[str, Any]) -> dict[str, str]:
    months = len(give["months"])
    given, received = give["total_given"], give["total_received"]
    if given or received:
        lean = (
            "you gave more than you took"
            if given > received
            else "you took more than you gave"
            if received > given
            else "give and take are even"
        )
        give_text = f"In the last {months} months you gave {given:,} favours and received {received:,}: {lean}."
    else:
        give_text = f"No favours given or received in the last {months} months."
    on_time, late, broken = (sum(follow[k]) for k in ("on_time", "late", "broken"))
    settled = on_time + late + broken
    rate = follow["rate_90"][-1] if follow["rate_90"] else None
    if settled:
        follow_text = (
            f"In the last {months} months you settled {settled:,} promises: {on_time:,} kept on "
            f"time ({_share(on_time, settled)}), {late:,} kept late, {broken:,} broken."
        )
        if rate is not None:
            follow_text += f" Over the last 90 days {rate:.0%} were kept on time."
    else:
        follow_text = f"No promises of yours were kept or broken in the last {months} months."
    return {"give": give_text, "follow": follow_text}


@require_GET
def insights(request: HttpRequest) -> HttpResponse:
    owner = owner_of(request)
    today = timezone.localdate()
    # No transaction: the page only reads, and on SQLite one would take the write
    # lock (fresh_scores recomputes a stale cache in a transaction of its own).
    fresh_scores(owner)  # once for everything below that reads trust scores
    give = queries.give_take(owner, today)
    follow = queries.follow_through(owner, today)
    tiers = queries.tiers_now(owner, refresh=False)
    cooling = queries.cooling(owner, refresh=False)
    limit = queries.clamp_limit(request.GET.get("n", queries.NETWORK_DEFAULT))
    sizes = sorted(set(NETWORK_SIZES) | {limit})
    ties = sum(n for t, n in tiers.items() if t != "stranger")
    context = {
        "nav": "insights",
        "today": today,
        "give": give,
        "give_rows": list(zip(give["months"], give["given"], give["received"], strict=True)),
        "follow": follow,
        "follow_rows": [
            (m, a, b, c, None if r is None else f"{r:.0%}")
            for m, a, b, c, r in zip(
                follow["months"],
                follow["on_time"],
                follow["late"],
                follow["broken"],
                follow["rate_90"],
                strict=True,
            )
        ],
        "summary": _summaries(give, follow),
        "tiers": [(t, tiers[t]) for t in TIERS],
        "ties": ties,
        "people": sum(tiers.values()),
        "settled": sum(follow["on_time"]) + sum(follow["late"]) + sum(follow["broken"]),
        "cooling": cooling,
        "limit": limit,
        "sizes": sizes,
        "series": {
            "give": give,
            "follow": follow,
            "cooling": [{"id": r["id"], "name": r["name"], "drop": r["trend_90"]} for r in cooling],
        },
        "person_url": reverse("web:person", args=[0]),
        "network_url": reverse("web:insights-network"),
        # a warm path to draw ("Show on the network"): checked by the JSON it fetches
        "path": request.GET.get("path", "")[:100],
    }
    return page(request, "web/insights.html", context)


def path_ids(raw: str) -> list[int]:
    """?path=12,34,56: person ids, first hop first (empty: no path)."""
    raw = raw.strip()
    if not raw:
        return []
    parts = raw.split(",")
    if len(parts) > queries.MAX_PATH or not all(is_number(p.strip()) for p in parts):
        raise TrothError(
            f"path: up to {queries.MAX_PATH} person ids separated by commas, got {raw[:40]!r}"
        )
    return [int(p) for p in parts]


@require_GET
def tiers(request: HttpRequest) -> HttpResponse:
    """How many ties sat in each tier, month by month: loaded into the page after it
    shows (seconds at 30,000 people the first time each day, then cached)."""
    owner = owner_of(request)
    history = queries.tier_history(owner, timezone.localdate())
    history = {**history, "shown": series.tiers_to_show(history["tiers"])}
    rows = [(day, [history["tiers"][t][i] for t in TIERS]) for i, day in enumerate(history["days"])]
    counts, last = history["tiers"], len(history["days"]) - 1
    changes = [
        (t, counts[t][0], counts[t][last], counts[t][last] - counts[t][0])
        for t in TIERS
        if last > 0 and counts[t][last] != counts[t][0]
    ]
    context = {
        "nav": "insights",
        "history": history,
        "tier_names": TIERS,
        "rows": rows,
        "changes": changes,
        "since": dt.date.fromisoformat(history["days"][0]) if history["days"] else None,
        "hidden": [t for t in TIERS if t not in history["shown"]],
    }
    return page(request, "web/insights_tiers.html", context, partial="web/_insights_tiers.html")


@require_GET
@gzip_page  # compressed to about a seventh (no CSRF token or secret in it to leak)
def network(request: HttpRequest) -> JsonResponse:
    """The strongest N ties and the "knows" links among them, as JSON for the
    network view (?n=N, 1 to 5,000; 300 when not given; ?path=ID,ID,...: one warm
    path's people, first hop first, drawn and marked)."""
    raw = request.GET.get("n", "")
    if raw and not is_number(raw.strip()):
        return JsonResponse({"error": "n must be a whole number of ties"}, status=400)
    try:
        path = path_ids(request.GET.get("path", ""))
        data = queries.network(
            owner_of(request), queries.clamp_limit(raw or queries.NETWORK_DEFAULT), path=path
        )
    except NotFound as exc:  # another owner's person is not found, like one that never was
        return JsonResponse({"error": web_text(exc)}, status=404)
    except TrothError as exc:
        return JsonResponse({"error": web_text(exc)}, status=400)
    response = JsonResponse(data)
    response["Cache-Control"] = "private, no-cache"
    return response
