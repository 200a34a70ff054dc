"""The bundled content validates and builds."""

from conftest import REPO

from kennisbank_gen.validate import gather


def test_bundled_content_has_no_findings():
    project = gather(REPO)
    assert project.findings == []
    assert len(project.records) >= 12


def test_bundled_site_has_a_page_per_initiative(built_project):
    project = gather(built_project)
    for doc in project.records:
        slug = doc.path.removeprefix("initiatives/").removesuffix(".yml")
        assert (built_project / "site" / "initiatieven" / slug / "index.html").is_file()
