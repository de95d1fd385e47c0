"""`make bench` cannot rot silently: its modules import, and its sections run on a
handful of patients (in-process only: the HTTP sections need gunicorn and a database
it can see, which a test's transaction is not; their load generator runs here
against a tiny local server)."""

import http.server
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.bench import first_visit, inprocess, lists, load, mixed, reminders, report
from tests.bench.seed import Seeder, name_of, signed_in

ROOT = Path(__file__).resolve().parent.parent


def _rows(response) -> int:
    """Patients listed on a panel page (the table's rows after its head)."""
    assert response.status_code == 200
    return response.content.decode().count("<tr") - 1


@pytest.mark.django_db
def test_the_in_process_sections_run_on_a_few_patients():
    seeder = Seeder(big=False)
    cast = seeder.cast(panel=3)

    pages = inprocess.pages(cast, 1, panel=4)
    assert pages[0].startswith("| page") and len(pages) == 2 + 7
    assert "clinician panel, 4 patients, page 1" in "\n".join(pages)

    # The panels the bench measures list their patients, and a search finds its one
    # (the bench once measured empty panels: its bulk links had no panel entries).
    assert _rows(signed_in(cast.clinician).get("/patients/")) == 4

    seeder.grow(8)
    listed = lists.lists(cast, seeder, 1)
    assert "panel of a clinician with 3 patients" in listed[-1]
    assert len(cast.few_patients) == 3
    assert _rows(signed_in(cast.few_clinician).get("/patients/")) == 3
    needle = name_of(seeder.added // 2)
    found = signed_in(cast.lists_clinician).get("/patients/", {"q": needle})
    assert _rows(found) == 1 and needle in found.content.decode()

    measured = reminders.measure_once()
    assert measured["patients"] == 8 and measured["batches"] == 1
    assert measured["emails"] > 0  # every address is confirmed: due items are emailed
    table = reminders.table("own", [reminders.own_rows(measured, "full")])
    assert table[2].startswith("| 8 ")

    sizes = first_visit.first_visit_bytes(signed_in(cast.owner), f"/patients/{cast.big.pk}/")
    # The page as served: compressed (GZip middleware) when the client takes it.
    (page,) = (size for key, size in sizes.items() if key.startswith(f"/patients/{cast.big.pk}/ ("))
    assert page > 1000
    assert sizes["total"] == sum(v for k, v in sizes.items() if k != "total")


class _Ok(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as gunicorn's gthread workers

    def do_GET(self):
        body = b'<input type="hidden" name="submission" value="t0k3n"><input name="date">'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Set-Cookie", "csrftoken=abc; Path=/; SameSite=Lax")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_the_load_generator_counts_answers_and_keeps_cookies():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        result = load.hammer(port, "/", ["sessionid=a", "sessionid=b"], seconds=0.3, warmup=0.1)
        assert result.rate > 0 and result.failed == 0 and result.p99 > 0
        browser = load.Browser(port, "sessionid=a")
        status, headers, content = browser.request("GET", "/")
        assert status == 200 and browser.cookies == {"sessionid": "a", "csrftoken": "abc"}
        inputs = mixed._Inputs()
        inputs.feed(load.decoded(headers, content).decode())
        assert inputs.values == {"submission": "t0k3n", "date": ""}
        browser.close()
    finally:
        server.shutdown()
        server.server_close()


def test_the_sizes_of_tests_bench_bytes_print_in_the_same_table():
    sizes = {
        "page": 10,
        "assets": {"/static/a.js": 5},
        "encodings": {"/p/": "gzip", "/static/a.js": "br"},
        "total": 15,
    }
    assert first_visit._flat(sizes, "/p/") == {
        "/p/ (gzip)": 10,
        "/static/a.js (br)": 5,
        "total": 15,
    }


def test_tables_are_markdown():
    lines = report.table(["page", "ms"], [["a", 1.25], ["bb", 1234.0]])
    assert lines == ["| page |    ms |", "|------|------:|", "| a    |   1.2 |", "| bb   | 1,234 |"]


def test_the_entry_point_answers():
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "--quick" in done.stdout
