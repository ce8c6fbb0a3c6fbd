"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2): service requests from
Open311 clients (city apps, FixMyStreet-like sites), mounted at /open311/v2/.

What this city exposes, and why:

- `services.{json,xml}` lists the active message categories (MessageCategory) as services;
  `services/{code}.{json,xml}` is a definition without attributes (no extra questions).
- `POST requests.{json,xml}` (form-encoded, as the spec says) receives a message on the
  Open311 channel through `voices.services.receive_message`; the `service_request_id`
  returned is the message's tracking number. `api_key` is one of our personal API tokens
  (core.accounts.ApiToken); without one the request is received anonymously only when the
  city allows it (setting `VOICES_OPEN311_ALLOW_ANONYMOUS`, default yes).
- `GET requests.{json,xml}` and `GET requests/{id}.{json,xml}` are the public feed: status
  open/closed from the casework case (the surviving one once merged), `status_notes` (the
  state as the tracking page says it; for a request not accepted, the MSG-5 ground and the
  directions given), `agency_responsible` (the unit or units owing the reply once routed),
  `expected_datetime` (the end of their due day), dates (ISO 8601 with the offset), the
  category, and a description and address scrubbed of personal data (SEC-6:
  `voices.scrub.scrub`). Never the name, phone, e-mail or
  ID number; confidential (SEC-15) and sensitive (SEC-7) messages, a child's under 14
  (SEC-7), reports of wrongdoing (举报: MSG-7, never disclosed) and letters to the congress
  (信访, not a public service request) are not in the feed at all; coordinates are
  rounded to about 100 m so that no home is pinpointed.

Errors are the spec's error list (`[{"code": 400, "description": ...}]`) with the HTTP
status 400, 403 or 404. XML is built with xml.etree; only form-encoded input is parsed,
never XML. The views hold no rules: parsing and rendering here, the writing in
`voices.services`, the public reading in `public_requests` below.
"""

from __future__ import annotations

import datetime
import json
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from xml.etree import ElementTree as ET  # noqa: S405 - building only; nothing is parsed

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from casework import rules as case_rules
from casework.models import Assignment
from core.errors import DatongError, NotAllowed, ValidationFailed
from core.organisation import selectors as organisation
from core.permissions import public

from . import rules
from .forms import NONACCEPTANCE_LABELS
from .models import AgeBand, Channel, Message, MessageCategory, Nature, Regime
from .scrub import mask_numbers, scrub
from .selectors import PUBLIC_STATES, public_state

#: The spec's limits: at most 1000 requests per answer, and a window of 90 days.
MAX_REQUESTS = 1000
WINDOW = datetime.timedelta(days=90)
#: The spec's limit on a description.
MAX_DESCRIPTION = 4000
#: Coordinates in the public feed: three decimals (about 100 m).
PUBLIC_COORDINATE = Decimal("0.001")
#: The longest media_url taken (it is kept in the message's text).
MEDIA_URL_MAX = 500
#: The subject derived from a description (Open311 has none): its first line, this long.
SUBJECT_LENGTH = 60

JSON = "json"
XML = "xml"


class Open311Error(Exception):
    """An error to answer with the spec's error list."""

    def __init__(self, status: int, description: str):
        self.status = status
        self.description = str(description)
        super().__init__(self.description)


# --- rendering -----------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(_text(v) for v in value)
    return str(value)


def _xml(root: str, item: str, rows: list[dict]) -> bytes:
    top = ET.Element(root)
    for row in rows:
        element = ET.SubElement(top, item)
        for key, value in row.items():
            ET.SubElement(element, key).text = _text(value)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="unicode").encode()


def _render(fmt: str, rows: list[dict], *, root: str, item: str, status: int = 200) -> HttpResponse:
    if fmt == XML:
        return HttpResponse(_xml(root, item, rows), status=status, content_type="text/xml; charset=utf-8")
    return HttpResponse(
        json.dumps(rows, ensure_ascii=False), status=status, content_type="application/json; charset=utf-8"
    )


def _render_one(fmt: str, row: dict, *, root: str) -> HttpResponse:
    """A single object (the service definition): JSON as an object, XML as `root`."""
    if fmt == XML:
        top = ET.Element(root)
        for key, value in row.items():
            if key == "attributes":
                ET.SubElement(top, key)
            else:
                ET.SubElement(top, key).text = _text(value)
        body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="unicode").encode()
        return HttpResponse(body, content_type="text/xml; charset=utf-8")
    return HttpResponse(json.dumps(row, ensure_ascii=False), content_type="application/json; charset=utf-8")


def _error(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    rows = [{"code": status, "description": str(d)} for d in descriptions]
    response = _render(fmt, rows, root="errors", item="error", status=status)
    response["Cache-Control"] = "no-store"
    return response


def _datetime(value: datetime.datetime | None) -> str | None:
    """W3C format with the offset, as the spec's examples (2010-04-14T06:37:38-08:00)."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


# --- services ------------------------------------------------------------------------------------


def _congress():
    congress = organisation.current_congress()
    if congress is None:
        raise Open311Error(404, _("This city has not configured any services yet."))
    return congress


def _categories() -> QuerySet[MessageCategory]:
    return MessageCategory.objects.filter(congress=_congress(), is_active=True).order_by("position", "name")


def service_row(category: MessageCategory) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": "",
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": "",
    }


@public
@require_GET
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET services.{json,xml}: the active categories as Open311 services."""
    try:
        rows = [service_row(c) for c in _categories()]
    except Open311Error as exc:
        return _error(fmt, exc.status, exc.description)
    return _render(fmt, rows, root="services", item="service")


@public
@require_GET
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """GET services/{code}.{json,xml}: the definition, which has no attributes here."""
    try:
        category = _categories().filter(code=code).first()
    except Open311Error as exc:
        return _error(fmt, exc.status, exc.description)
    if category is None:
        return _error(fmt, 404, _("service_code %(code)s was not found.") % {"code": code})
    return _render_one(fmt, {"service_code": category.code, "attributes": []}, root="service_definition")


# --- reading requests (public, no personal data) -----------------------------------------------


def scrub_text(text: str) -> str:
    """SEC-6: text fit for the public feed."""
    return scrub(text).text if text else ""


def public_requests() -> QuerySet[Message]:
    """The messages the public feed may show (see the module's doc), newest first."""
    return (
        Message.objects.filter(congress=_congress(), is_confidential=False, is_sensitive=False)
        .exclude(regime=Regime.PETITION)
        # MSG-7: an accusation is disclosed to nobody, the accused included; SEC-7: whatever a
        # child under 14 wrote is sensitive data.
        .exclude(nature=Nature.REPORT)
        .exclude(age_band=AgeBand.UNDER_14)
        .select_related("category", "case__merged_into")
        .prefetch_related(Prefetch("case__assignments", queryset=_replying()),
                          Prefetch("case__merged_into__assignments", queryset=_replying()))
        .order_by("-received_at", "-id")
    )


def _replying() -> QuerySet[Assignment]:
    """The assignments that owe the citizen a reply (lead or separate units; an assisting
    unit answers the lead unit), with their units."""
    return (Assignment.objects.filter(role__in=case_rules.REPLYING_ROLES)
            .exclude(status=case_rules.CANCELLED).select_related("unit").order_by("pk"))


def _case(message: Message):
    """The case the matter is handled in: the surviving one once merged (one reply answers all)."""
    return message.case.merged_into or message.case


def _status(message: Message) -> str:
    return "open" if _case(message).status in case_rules.OPEN_STATES else "closed"


def _status_notes(message: Message) -> str:
    """The state as the tracking page says it; for a request not accepted, the MSG-5 ground
    and the directions the citizen was given (scrubbed, as on the tracking page)."""
    state = public_state(message.status, _case(message).status)
    if state != "not_accepted":
        return str(PUBLIC_STATES[state])
    reason = message.not_accepted_reason
    ground = _("Not accepted: %(ground)s.") % {"ground": NONACCEPTANCE_LABELS.get(reason, reason)}
    note = scrub_text(message.not_accepted_note).strip()
    return f"{ground} {note}" if note else ground


def _replying_now(message: Message) -> list[Assignment]:
    case = _case(message)
    return [a for a in case.assignments.all() if a.round == case.round]


def _names_unit(message: Message) -> bool:
    """Whether the public may read which unit handles it. Not for a report (MSG-7: which unit
    looks into an accusation tells the accused it was made) nor a confidential message
    (SEC-15: the unit and the matter together may point to the sender); neither is in the
    feed, and this holds should that change."""
    return message.nature != Nature.REPORT and not message.is_confidential


def _agency(message: Message) -> str:
    """The unit owing the reply (several when each handles its part: 分办), once routed."""
    if not _names_unit(message):
        return ""
    names = []
    for assignment in _replying_now(message):
        if assignment.unit.name not in names:
            names.append(assignment.unit.name)
    return "、".join(names)


def _expected(message: Message) -> str | None:
    """The handling deadline once routed: the end of the last due day of the units owing the
    reply (their due date is a day; it may be met until that day ends)."""
    days = [a.due_on for a in _replying_now(message) if a.due_on]
    if not days:
        return None
    end = datetime.datetime.combine(max(days), datetime.time(23, 59, 59))
    return _datetime(timezone.make_aware(end))


def _coordinate(value) -> float | None:
    if value is None:
        return None
    return float(Decimal(value).quantize(PUBLIC_COORDINATE, rounding=ROUND_HALF_UP))


def request_row(message: Message) -> dict:
    """One request in the spec's field names; nothing that names or reaches a person."""
    category = message.category
    return {
        "service_request_id": message.tracking_number,
        "status": _status(message),
        "status_notes": _status_notes(message),
        "service_name": category.name if category else "",
        "service_code": category.code if category else message.open311_service_code,
        "description": scrub_text(message.body)[:MAX_DESCRIPTION],
        "agency_responsible": _agency(message),
        "service_notice": "",
        "requested_datetime": _datetime(message.received_at),
        "updated_datetime": _datetime(max(message.case.updated_at, _case(message).updated_at)),
        "expected_datetime": _expected(message),
        "address": scrub_text(message.location),
        "address_id": "",
        "zipcode": "",
        "lat": _coordinate(message.latitude),
        "long": _coordinate(message.longitude),
        "media_url": "",
    }


def _parse_instant(name: str, value: str) -> datetime.datetime:
    moment = parse_datetime(value.replace(" ", "+")) if "T" in value else None
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise Open311Error(400, _("%(name)s is not a date and time (write it like 2026-01-20T08:00:00+08:00).")
                               % {"name": name})
        moment = datetime.datetime.combine(day, datetime.time(0, 0))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _codes(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def filter_requests(params) -> QuerySet[Message]:
    """The spec's query: service_request_id (overrides the rest), service_code, start_date,
    end_date (at most 90 days apart; the last 90 days by default), status open/closed."""
    requests = public_requests()
    ids = [rules.normalise_tracking_number(v) or v for v in _codes(params.get("service_request_id", ""))]
    if ids:
        return requests.filter(tracking_number__in=ids[:MAX_REQUESTS])
    codes = _codes(params.get("service_code", ""))
    if codes:
        requests = requests.filter(category__code__in=codes)
    start_text, end_text = params.get("start_date", "").strip(), params.get("end_date", "").strip()
    end = _parse_instant("end_date", end_text) if end_text else None
    start = _parse_instant("start_date", start_text) if start_text else None
    if end is None:
        end = start + WINDOW if start is not None else timezone.now()
    if start is None:
        start = end - WINDOW
    if start > end:
        raise Open311Error(400, _("start_date is after end_date."))
    if end - start > WINDOW:
        raise Open311Error(400, _("start_date and end_date may not be more than 90 days apart."))
    requests = requests.filter(received_at__gte=start, received_at__lte=end)
    statuses = set(_codes(params.get("status", "").lower()))
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status must be open or closed."))
    # The surviving case's status once merged, as each request shows it (`_status`).
    open_now = (Q(case__merged_into__isnull=True, case__status__in=case_rules.OPEN_STATES)
                | Q(case__merged_into__status__in=case_rules.OPEN_STATES))
    if statuses == {"open"}:
        requests = requests.filter(open_now)
    elif statuses == {"closed"}:
        requests = requests.exclude(open_now)
    return requests


@public
@require_GET
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    """GET requests/{id}.{json,xml}: one request, as a list of one (the spec's shape)."""
    try:
        # the number as the citizen was given it (M261127-KME417-Y), or as stored
        number = rules.normalise_tracking_number(request_id) or request_id
        message = public_requests().filter(tracking_number=number).first()
    except Open311Error as exc:
        return _error(fmt, exc.status, exc.description)
    if message is None:
        return _error(fmt, 404, _("service_request_id %(id)s was not found.") % {"id": request_id})
    return _render(fmt, [request_row(message)], root="service_requests", item="request")


# --- receiving a request ---------------------------------------------------------------------------


def _actor(params):
    """The API token's user, or anonymous when the city allows it; Open311Error(403) else."""
    key = params.get("api_key", "").strip()
    if not key:
        if getattr(settings, "VOICES_OPEN311_ALLOW_ANONYMOUS", True):
            return AnonymousUser()
        raise Open311Error(403, _("api_key is required."))
    from core.accounts.models import ApiToken

    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True)
        .first()
        if len(key) <= 200
        else None
    )
    if token is None or not token.user.is_active:
        raise Open311Error(403, _("api_key is not valid."))
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def _coordinate_in(params, name: str, limit: int) -> Decimal | None:
    text = params.get(name, "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise Open311Error(400, _("%(name)s is not a number.") % {"name": name}) from exc
    if not value.is_finite() or abs(value) > limit:
        raise Open311Error(400, _("%(name)s is out of range.") % {"name": name})
    return value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def _subject(description: str, fallback: str) -> str:
    """The description's first line, cut to SUBJECT_LENGTH. Its ID, card and phone numbers are
    masked first (SEC-8: the subject is what staff lists show; masked whole, a number cut in
    two would not be recognised)."""
    first_line = description.strip().splitlines()[0] if description.strip() else ""
    subject = mask_numbers(first_line.strip()) or fallback
    return subject[:SUBJECT_LENGTH] + ("…" if len(subject) > SUBJECT_LENGTH else "")


def _name(params) -> str:
    """first_name and last_name as one name, within the intake rules' limit; Open311Error(400)
    naming the parameter sent when too long."""
    first, last = params.get("first_name", "").strip(), params.get("last_name", "").strip()
    for parameter, value in (("first_name", first), ("last_name", last)):
        if len(value) > rules.NAME_MAX:
            raise Open311Error(400, _("%(name)s may be at most %(limit)s characters.")
                               % {"name": parameter, "limit": rules.NAME_MAX})
    name = " ".join(p for p in (first, last) if p)
    if len(name) > rules.NAME_MAX:
        raise Open311Error(400, _("first_name and last_name together may be at most %(limit)s characters.")
                           % {"limit": rules.NAME_MAX})
    return name


def _media_url(params) -> str:
    """An http(s) address of at most MEDIA_URL_MAX characters, or ""; Open311Error(400) else."""
    url = params.get("media_url", "").strip()
    if not url:
        return ""
    try:
        if len(url) > MEDIA_URL_MAX:
            raise DjangoValidationError("too long")
        URLValidator(schemes=["http", "https"])(url)
    except DjangoValidationError:
        raise Open311Error(400, _("media_url must be an http:// or https:// address of at most %(limit)s "
                                  "characters.") % {"limit": MEDIA_URL_MAX}) from None
    return url


def message_kwargs(params, *, congress) -> dict:
    """The `receive_message` arguments for a POSTed request; Open311Error(400) when it lacks
    what the spec requires (service_code; lat and long, or address_string)."""
    code = params.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, _("service_code is required."))
    category = MessageCategory.objects.filter(congress=congress, is_active=True, code=code).first()
    if category is None:
        raise Open311Error(400, _("service_code %(code)s was not found.") % {"code": code})
    latitude = _coordinate_in(params, "lat", 90)
    longitude = _coordinate_in(params, "long", 180)
    if (latitude is None) != (longitude is None):
        raise Open311Error(400, _("lat and long must be sent together."))
    address = params.get("address_string", "").strip()
    if latitude is None and not address:
        if params.get("address_id", "").strip():
            raise Open311Error(400, _("address_id is not supported here: send lat and long, or address_string."))
        raise Open311Error(400, _("A location is required: send lat and long, or address_string."))
    description = params.get("description", "").strip()
    if not description:
        raise Open311Error(400, _("description is required."))
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, _("description may be at most 4000 characters."))
    media_url = _media_url(params)
    name = _name(params)
    subject = _subject(description, category.name)
    if media_url:
        description = description + "\n\n" + _("Photo: %(url)s") % {"url": media_url}
    phone = params.get("phone", "").strip()
    return {
        "congress": congress,
        "channel": Channel.OPEN311,
        "regime": Regime.HOTLINE,
        "subject": subject,
        "body": description,
        "category": category,
        "location": address[:rules.LOCATION_MAX],
        "latitude": latitude,
        "longitude": longitude,
        "name": name,
        "phone": phone,  # whole: the service refuses what is no phone (cut short, it might pass)
        "is_anonymous": not (name or phone),
        "open311_service_code": category.code,
    }


#: The service's field → the Open311 parameter it came from (a caller knows only those).
PARAMETERS = {
    "subject": "description", "body": "description", "location": "address_string", "latitude": "lat",
    "longitude": "long", "category": "service_code", "name": "first_name, last_name",
}


def _validation_descriptions(exc: ValidationFailed) -> list[str]:
    details = getattr(exc, "details", None) or {}
    return ([f"{PARAMETERS.get(field, field)}: {reason}" for field, reason in details.items()]
            or [str(exc.message)])


def _receive(request: HttpRequest, fmt: str) -> HttpResponse:
    from . import services

    params = request.POST
    try:
        actor = _actor(params)
        kwargs = message_kwargs(params, congress=_congress())
        message = services.receive_message(by=actor, **kwargs)
    except Open311Error as exc:
        return _error(fmt, exc.status, exc.description)
    except ValidationFailed as exc:
        return _error(fmt, 400, *_validation_descriptions(exc))
    except NotAllowed:
        return _error(fmt, 403, _("You are not allowed to send requests."))
    except DatongError as exc:
        return _error(fmt, 400, str(exc.message))
    row = {"service_request_id": message.tracking_number, "service_notice": "", "account_id": None}
    return _render(fmt, [row], root="service_requests", item="request", status=201)


@csrf_exempt  # an API for other systems: no browser session, no CSRF token (api_key instead)
@public
@require_http_methods(["GET", "POST"])
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET requests.{json,xml}: the public feed; POST: receive a new request."""
    if request.method == "POST":
        return _receive(request, fmt)
    try:
        rows = [request_row(m) for m in filter_requests(request.GET)[:MAX_REQUESTS]]
    except Open311Error as exc:
        return _error(fmt, exc.status, exc.description)
    return _render(fmt, rows, root="service_requests", item="request")
