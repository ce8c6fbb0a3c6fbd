"""The work-order import's result page as its user reads it (the shared import pages,
core.documents.import_pages): a heading that says what happened, figures about the file's
rows, the counts once, no button back to the page itself, a bar as wide as the page."""

from __future__ import annotations

import re
from pathlib import Path

from django.contrib.staticfiles import finders

from core.accounts.roles import Role
from core.jobs import progress
from core.jobs.models import ProgressRecord
from voices import importing

from .test_importing import URL, city, receiving, row, sheet  # noqa: F401 (fixtures)

SUMMARY = "3 work orders imported, 1 of them closed in the past; 0 were already there."


def heading(page: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1).strip()


def three_rows():
    """Three orders, one of them closed back then (承办单位, 办结时间, 办理结果)."""
    return sheet(row("GD1"), row("GD2", 办理结果=""), row("GD3", 办结时间=""))


def upload(client, file):
    response = client.post(URL, {"file": file})
    assert response.status_code == 302, response.content.decode()
    return response["Location"]


def test_the_finished_page_says_the_import_is_finished(receiving, client_for):  # noqa: F811
    client = client_for(Role.STAFF)
    page = client.get(upload(client, three_rows())).content.decode()
    assert heading(page) == "Import of work orders: finished"
    assert "Importing work orders" not in page
    assert "<title>Import of work orders: finished" in page


def test_the_figures_of_a_three_row_file_are_about_its_three_rows(receiving, client_for):  # noqa: F811
    client = client_for(Role.STAFF)
    url = upload(client, three_rows())
    page = client.get(url).content.decode()
    assert "File 工单.xlsx: 3 rows." in page
    figures = re.search(r'class="progress-figures">(.*?)</p>', page, re.S).group(1)
    assert "3 of 3 (100%)" in figures, figures
    assert "7 of 7" not in page and "6 of 6" not in page
    record = progress.get(importing.progress_key(url.rstrip("/").rsplit("/", 1)[-1]))
    assert (record.done, record.total, record.percent) == (3, 3, 100)


def test_the_counts_are_said_once(receiving, client_for):  # noqa: F811
    """Once, as a list: not a sentence and then a list of the same figures."""
    client = client_for(Role.STAFF)
    page = client.get(upload(client, three_rows())).content.decode()
    assert page.count("3 work orders imported") == 1 and SUMMARY not in page
    assert "1 of them closed with its past outcome" in page and "0 already imported earlier, skipped" in page


def test_the_finished_page_has_no_button_to_itself(receiving, client_for):  # noqa: F811
    client = client_for(Role.STAFF)
    url = upload(client, three_rows())
    page = client.get(url).content.decode()
    assert f'href="{url}"' not in page
    assert "Open the result" not in page
    assert 'href="/voices/import/"' in page  # "Import another file" stays


def test_the_progress_page_of_the_job_still_links_to_the_result(receiving, client_for):  # noqa: F811
    """Elsewhere (the job's own progress page) the result is one click away, and the bar
    names the import without saying it is still importing."""
    client = client_for(Role.STAFF)
    url = upload(client, three_rows())
    key = importing.progress_key(url.rstrip("/").rsplit("/", 1)[-1])
    page = client.get(progress.poll_url(key)).content.decode()
    assert f'href="{url}"' in page and "Open the result" in page
    assert "Import of work orders" in page and "Importing work orders" not in page


def test_a_bar_polled_from_the_result_page_has_no_button_to_it(receiving, client_for):  # noqa: F811
    """While the page waits, htmx swaps in the bar; the bar that comes back finished does not
    offer the page it is swapped into."""
    client = client_for(Role.STAFF)
    url = upload(client, three_rows())
    key = importing.progress_key(url.rstrip("/").rsplit("/", 1)[-1])
    bar = client.get(progress.poll_url(key), headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{url}"})
    assert bar.status_code == 200 and "<html" not in bar.content.decode()
    assert f'href="{url}"' not in bar.content.decode()


def test_each_phase_counts_the_rows_once(receiving, client_for, monkeypatch):  # noqa: F811
    """What the bar shows on the way: checking 3 rows, importing 3 rows (the past outcomes
    are written with their rows, batch by batch), then 3 of 3; never more done than there
    is, never a total of twice the rows."""
    monkeypatch.setattr(importing, "STEP", 1)
    seen: list[tuple[str, int, int]] = []
    real_update, real_finish = progress._update, progress.finish

    def look(key):
        record = ProgressRecord.objects.get(key=key)
        seen.append((record.message, record.done, record.total))

    def update(key, **changes):
        real_update(key, **changes)
        look(key)

    def finish(key, **kwargs):
        real_finish(key, **kwargs)
        look(key)

    monkeypatch.setattr(progress, "_update", update)
    monkeypatch.setattr(progress, "finish", finish)
    client = client_for(Role.STAFF)
    upload(client, three_rows())
    assert all(done <= total for _message, done, total in seen), seen
    phases = list(dict.fromkeys(message for message, _done, _total in seen))
    assert phases == ["Checking the rows…", "Importing the rows…", SUMMARY]
    assert {total for _message, _done, total in seen} == {3}
    assert ("Checking the rows…", 3, 3) in seen and ("Importing the rows…", 3, 3) in seen
    assert seen[-1] == (SUMMARY, 3, 3)


def test_a_running_import_says_it_is_running(receiving, client_for, monkeypatch, django_capture_on_commit_callbacks):  # noqa: F811
    monkeypatch.setattr(importing, "INLINE_MAX_ROWS", 1)
    client = client_for(Role.STAFF)
    with django_capture_on_commit_callbacks(execute=False):
        url = upload(client, three_rows())
    page = client.get(url).content.decode()
    assert heading(page) == "Import of work orders: in progress"
    assert "0 of 3 (0%)" in page


def test_a_refused_import_says_it_failed(receiving, client_for):  # noqa: F811
    client = client_for(Role.STAFF)
    response = client.post(URL, {"file": sheet(row("GD1"), row("GD2", 主题=""))}, follow=True)
    assert response.status_code == 422
    page = response.content.decode()
    assert heading(page) == "Import of work orders: failed"
    assert "Row 3, 主题" in page


def test_the_progress_bar_spans_the_width_of_its_box():
    """Browsers draw a bare <progress> about 160 px wide: on a phone, half the card."""
    css = Path(finders.find("css/datong.css")).read_text(encoding="utf-8")
    rule = re.search(r"\.progress-bar progress\s*\{([^}]*)\}", css)
    assert rule is not None and re.search(r"(?<![-\w])width:\s*100%", rule.group(1))


def test_the_finished_page_in_chinese(receiving, client_for, users):  # noqa: F811
    """zh-hans, the city's language: the same page, in Chinese."""
    users[Role.STAFF].language = "zh-hans"
    users[Role.STAFF].save(update_fields=["language"])
    client = client_for(Role.STAFF)
    page = client.get(upload(client, three_rows())).content.decode()
    assert heading(page) == "工单导入：已完成"
    assert "正在导入工单" not in page and "查看结果" not in page
    assert "3 / 3（100%）" in page
