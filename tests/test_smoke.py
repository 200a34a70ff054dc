"""The bundled content validates and builds."""

from conftest import REPO, TODAY

from kennisbank_gen.check.validate import validate


def test_bundled_content_has_no_findings():
    report = validate(REPO, today=TODAY)
    assert report.findings == []
    assert len(report.project.records) >= 12


def test_bundled_site_has_a_page_per_initiative(built_project):
    for doc in validate(built_project, today=TODAY).project.records:
        slug = doc.path.removeprefix("initiatives/").removesuffix(".yml")
        assert (built_project / "site" / "initiatieven" / slug / "index.html").is_file()
