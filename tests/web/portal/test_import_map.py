"""Importing a registration platform's export: the column-mapping step, its suggestions,
the organiser's choices, and uploads parked between the two steps for their owner only."""

from __future__ import annotations

import re

from tests.web.portal.conftest import EXAMPLE, Browser, backend_of
from tests.web.portal.test_organiser import NEW

URL = "/portal/events/irf/import"
UPLOAD = re.compile(r'name="upload" value="([0-9a-f]{32})"')


def _export() -> bytes:
    """The example's participants as another platform names the columns."""
    lines = (EXAMPLE / "participants.csv").read_text(encoding="utf-8").splitlines()
    head = lines[0].split(",")
    renamed = {"organisation": "Company", "contact": "Contact person", "email": "E-mail"}
    lines[0] = ",".join(renamed.get(c, c) for c in head) + ",Phone"
    lines[1:] = [line + ",+91 555" for line in lines[1:]]
    lines[1] = lines[1].replace("Tarunansh Leather Industries", "Tarunansh Leather (renamed)")
    return "\n".join(lines).encode()


def _upload(organiser: Browser, data: bytes) -> tuple[int, str]:
    response = organiser.post(
        URL,
        data={"csrf_token": organiser.token(URL)},
        files=[("files", ("participants.csv", data))],
    )
    return response.status_code, response.text


def _fields(page: str) -> dict[str, str]:
    """The mapping form's selects with the option selected in each."""
    chosen = {}
    for name, body in re.findall(r'<select id="[^"]+" name="([^"]+)">(.*?)</select>', page, re.S):
        found = re.search(r'<option value="([^"]*)" selected>', body)
        chosen[name] = found[1] if found else ""
    return chosen


def test_an_export_is_mapped_then_imported(irf: Browser) -> None:
    status, page = _upload(irf, _export())
    assert status == 200 and "Map the columns" in page
    fields = _fields(page)
    head = (EXAMPLE / "participants.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert fields["map.participants.1"] == "organisation"  # Company
    assert fields["map.participants.5"] == "contact"  # Contact person
    assert fields[f"map.participants.{len(head)}"] == ""  # Phone: ignored
    token = UPLOAD.search(page)[1]  # type: ignore[index]

    done = irf.post(f"{URL}/map", data={"csrf_token": irf.token(URL), "upload": token, **fields})

    assert done.status_code == 200, done.text[:500]
    assert "the event now has 500 participants" in done.text
    assert "Company: organisation" in done.text  # the mapping, for --map FILE
    people = backend_of(irf).store.load("irf").event.participants
    assert people["IN0001"].organisation == "Tarunansh Leather (renamed)"
    # imported once: the parked upload is gone
    again = irf.post(f"{URL}/map", data={"csrf_token": irf.token(URL), "upload": token, **fields})
    assert again.status_code == 410


def test_a_mapping_that_does_not_read_is_shown_again_with_the_problem(irf: Browser) -> None:
    _, page = _upload(irf, _export())
    token = UPLOAD.search(page)[1]  # type: ignore[index]
    fields = {**_fields(page), "map.participants.1": ""}  # Company ignored: no organisation

    response = irf.post(
        f"{URL}/map", data={"csrf_token": irf.token(URL), "upload": token, **fields}
    )

    assert response.status_code == 422
    assert "missing column organisation" in response.text and "Map the columns" in response.text
    assert 'name="map.participants.1">\n<option value="" selected>' in response.text
    original = backend_of(irf).store.load("irf").event.participants["IN0001"].organisation
    assert original == "Tarunansh Leather Industries"  # nothing saved
    bogus = {**fields, "map.participants.1": "password"}
    refused = irf.post(f"{URL}/map", data={"csrf_token": irf.token(URL), "upload": token, **bogus})
    assert refused.status_code == 422 and "is not a column of participants" in refused.text


def test_a_parked_upload_is_its_organisers_alone(irf: Browser) -> None:
    _, page = _upload(irf, _export())
    token = UPLOAD.search(page)[1]  # type: ignore[index]
    other = Browser(irf.app)
    other.sign_in("other@forum.example", "battery staple")
    created = other.form("/portal/events/new", {**NEW, "event_id": "other"}, "/portal/events/new")
    assert created.status_code == 303, created.text[:300]
    stolen = other.post(
        "/portal/events/other/import/map",
        data={"csrf_token": other.token("/portal/events/other/import"), "upload": token},
    )
    assert stolen.status_code == 410
    for hostile in ("../../etc/passwd", "x" * 32, "", token.upper()):
        response = irf.post(f"{URL}/map", data={"csrf_token": irf.token(URL), "upload": hostile})
        assert response.status_code == 410, hostile
