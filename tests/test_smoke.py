"""The bundled content validates and builds."""

from conftest import TODAY

from kennisbank_gen.check.validate import validate


def test_bundled_content_is_accepted(bundled_project):
    """No errors (warnings, such as an overlong summary, are what validate accepts)."""
    report = validate(bundled_project, today=TODAY)
    assert report.blocking() == []
    assert report.project.records


def test_bundled_site_has_a_page_per_initiative(built_project):
    for doc in validate(built_project, today=TODAY).project.records:
        slug = doc.path.removeprefix("initiatives/").removesuffix(".yml")
        assert (built_project / "site" / "initiatieven" / slug / "index.html").is_file()
