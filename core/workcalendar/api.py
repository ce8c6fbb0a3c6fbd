"""/api/calendar: the holiday table and deadline arithmetic (TIME-1..4)."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Field, File, Query, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from core.apikit import DatongRouter, ErrorOut, Page, acting_user
from core.errors import ValidationFailed

from . import selectors, services
from .forms import DeadlineForm, HolidayForm, errors_of, validated
from .permissions import EDIT, VIEW

router = DatongRouter()


class HolidayOut(Schema):
    id: int
    date: date
    kind: str
    name: str
    note: str


class HolidayIn(Schema):
    date: str = Field(..., description="YYYY-MM-DD")
    kind: str = Field(..., description='"holiday" (rest day) or "workday" (make-up working day)')
    name: str = ""
    note: str = ""


class HolidayFilter(Schema):
    year: int | None = Field(None, ge=1949, le=2999)


class DeadlineQuery(Schema):
    # Plain strings: checked by DeadlineForm, so the errors are the same translated ones
    # the page and the command give.
    from_: str | None = Field(
        None, alias="from", description="YYYY-MM-DD, the day of the event (not counted)"
    )
    months: str | None = Field(None, description="calendar months (TIME-3)")
    days: str | None = Field(None, description="calendar days (TIME-1/2)")
    working_days: str | None = Field(None, description="working days (TIME-4)")


class DeadlineOut(Schema):
    date: date
    provisional: bool


class YearIn(Schema):
    is_complete: bool
    note: str = ""


class YearOut(Schema):
    year: int
    source: str
    is_complete: bool
    provisional: bool


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    years: list[int]


def _holiday_data(payload: HolidayIn) -> dict:
    return validated(HolidayForm(data=payload.dict()))


@router.get("/holidays", permission=VIEW, response={200: list[HolidayOut], 422: ErrorOut})
@paginate(Page)
def list_holidays(request: HttpRequest, filters: Query[HolidayFilter]):
    """The staff's entries (they override chinese-calendar), by date; `?year=` for one year."""
    return selectors.holidays(year=filters.year)


@router.post("/holidays", permission=EDIT, response={201: HolidayOut, 403: ErrorOut, 422: ErrorOut})
def create_holiday(request: HttpRequest, payload: HolidayIn):
    data = _holiday_data(payload)
    holiday = services.holiday_add(by=acting_user(request), **data)
    return Status(201, holiday)


@router.put(
    "/holidays/{int:holiday_id}",
    permission=EDIT,
    response={200: HolidayOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def update_holiday(request: HttpRequest, holiday_id: int, payload: HolidayIn):
    data = _holiday_data(payload)
    return services.holiday_update(by=acting_user(request), holiday_id=holiday_id, **data)


@router.delete(
    "/holidays/{int:holiday_id}", permission=EDIT, response={204: None, 403: ErrorOut, 404: ErrorOut}
)
def delete_holiday(request: HttpRequest, holiday_id: int):
    services.holiday_delete(by=acting_user(request), holiday_id=holiday_id)
    return Status(204, None)


@router.post("/holidays/import", permission=EDIT, response={200: ImportOut, 403: ErrorOut, 422: ErrorOut})
def import_holidays(request: HttpRequest, file: File[UploadedFile]):
    """An xlsx with the columns date, kind, name (optionally note). All rows or none."""
    result = services.holidays_import(by=acting_user(request), upload=file)
    return {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "years": sorted(result.years),
    }


def _year_out(year: int) -> dict:
    status = selectors.year_status(services.check_year(year))
    return {
        "year": year,
        "source": status.source,
        "is_complete": status.is_complete,
        "provisional": status.provisional,
    }


@router.get("/years/{year}", permission=VIEW, response={200: YearOut, 422: ErrorOut})
def get_year(request: HttpRequest, year: int):
    """Where the year's schedule comes from; `provisional` if it is not known (TIME-4)."""
    return _year_out(year)


@router.put("/years/{year}", permission=EDIT, response={200: YearOut, 403: ErrorOut, 422: ErrorOut})
def set_year(request: HttpRequest, year: int, payload: YearIn):
    """Mark the official schedule of `year` as entered (or not): TIME-4."""
    services.year_set_complete(
        by=acting_user(request), year=year, complete=payload.is_complete, note=payload.note
    )
    return _year_out(year)


@router.get("/deadline", permission=VIEW, response={200: DeadlineOut, 422: ErrorOut})
def deadline(request: HttpRequest, query: Query[DeadlineQuery]):
    """`?from=2026-07-01&months=3` → `{"date": "2026-10-08", "provisional": false}`.

    Exactly one of months, days, working_days.
    """
    data = {
        "from": query.from_ or "",
        "months": query.months or "",
        "days": query.days or "",
        "working_days": query.working_days or "",
    }
    form = DeadlineForm(data=data)
    if not form.is_valid():
        raise ValidationFailed(details=errors_of(form))
    result = selectors.compute(form.start, form.cleaned_data["unit"], form.cleaned_data["count"])
    return {"date": result.date, "provisional": result.provisional}
