"""The web form's configuration (Decap CMS) is generated from the framework: a widget per record
field in the record's order, the framework's labels and ids, the real guidance items; and the
admin page is part of the built site only when the CMS is installed. The form itself, in
Chromium, is tested in tests/browser/test_cms_browser.py."""

from __future__ import annotations

import dataclasses
import re

import pytest
import yaml
from click.testing import CliRunner
from conftest import REPO, TODAY
from test_search import NEW_CRITERION

from kennisbank_gen.check.record_schema import record_schema
from kennisbank_gen.cli import main
from kennisbank_gen.config import SiteConfig
from kennisbank_gen.publish import generate
from kennisbank_gen.read.project import read_project
from kennisbank_gen.render import cms, csp
from kennisbank_gen.render.model import build_model


def site_of(root):
    return build_model(read_project(root)), SiteConfig.from_mkdocs(root / "mkdocs.yml")


@pytest.fixture(scope="module")
def config(bundled_project):
    return cms.cms_config(*site_of(bundled_project))


def collection(config) -> dict:
    [initiatives] = config["collections"]
    return initiatives


def fields(config) -> dict[str, dict]:
    return {f["name"]: f for f in collection(config)["fields"]}


def test_one_collection_for_initiatives_with_a_field_per_record_field_in_order(config):
    initiatives = collection(config)
    assert (initiatives["folder"], initiatives["extension"]) == ("initiatives", "yml")
    assert initiatives["format"] == cms.RECORD_FORMAT  # the admin page's own YAML writer
    framework = read_project(REPO).framework
    assert list(fields(config)) == list(record_schema(framework)["properties"])
    required = set(record_schema(framework)["required"])
    for name, field in fields(config).items():
        assert field.get("required", True) == (name in required), name


def test_vocabularies_are_selects_showing_labels_and_storing_ids(config):
    framework = read_project(REPO).framework
    f = fields(config)
    for name, vocabulary, multiple in [
        ("kind", "kinds", False),
        ("sectors", "sectors", True),
        ("themes", "themes", True),
        ("status", "statuses", False),
    ]:
        assert f[name]["widget"] == cms.SELECT_WIDGET  # Decap's select, options ranked
        assert f[name]["options"] == [
            {"label": t.label, "value": t.id} for t in framework.vocabularies[vocabulary]
        ]
        assert f[name].get("multiple", False) is multiple


def test_every_criterion_is_a_select_of_its_values_in_framework_order(config):
    framework = read_project(REPO).framework
    quality = fields(config)["quality"]
    assert quality["widget"] == "object"
    assert [c["name"] for c in quality["fields"]] == [c.id for c in framework.criteria]
    for field, criterion in zip(quality["fields"], framework.criteria, strict=True):
        assert field["label"] == criterion.label
        assert field["options"] == [{"label": v.label, "value": v.id} for v in criterion.values]
        assert field.get("multiple", False) is criterion.multiple
        assert field.get("required", True) is not criterion.unknown


def test_a_criterion_that_may_be_unknown_is_optional():
    criterion = read_project(REPO).framework.criteria[1]
    unknown = cms._criterion_field(dataclasses.replace(criterion, unknown=True))
    assert unknown["required"] is False and "Niet bekend" in unknown["hint"]
    known = cms._criterion_field(dataclasses.replace(criterion, unknown=False))
    assert "required" not in known and "Niet bekend" not in known["hint"]


def test_guidance_is_a_select_of_the_real_items_with_their_titles(config, bundled_project):
    site, _ = site_of(bundled_project)
    options = fields(config)["guidance"]["options"]
    assert [o["value"] for o in options] == list(site.items)
    item = site.items["inspectie-2023/07"]
    assert {"label": f"inspectie-2023/07 · {item.title}", "value": "inspectie-2023/07"} in options


def test_body_is_markdown_and_dates_are_in_the_records_format(config):
    f = fields(config)
    assert f["body"]["widget"] == "markdown"
    assert f["body"]["editor_components"] == []  # no images: the validator refuses them
    assert f["date"]["widget"] == cms.DATE_WIDGET  # refused with validate's message and fix
    date = record_schema(read_project(REPO).framework)["properties"]["date"]
    rule = cms.date_rule(read_project(REPO).framework)
    assert (rule["pattern"], rule["expected"]) == (date["pattern"], date["x-expected"])
    assert f["last_reviewed"]["format"] == "YYYY-MM-DD"


def test_dutch_interface_editorial_workflow_and_github_backend(config):
    assert config["locale"] == "nl"
    assert config["publish_mode"] == "editorial_workflow"
    backend = config["backend"]
    assert backend["name"] == "github" and backend["open_authoring"] is True
    mkdocs = SiteConfig.from_mkdocs(REPO / "mkdocs.yml")
    assert mkdocs.repo_url.endswith("/" + backend["repo"])
    assert backend["branch"] == mkdocs.source_branch
    assert config["local_backend"] == {"url": "http://127.0.0.1:8081/api/v1"}


def test_a_new_criterion_in_the_framework_is_a_new_field(project):
    criteria = project / "quality_framework" / "criteria.yml"
    criteria.write_text(criteria.read_text(encoding="utf-8") + NEW_CRITERION, encoding="utf-8")
    quality = fields(cms.cms_config(*site_of(project)))["quality"]["fields"]
    assert quality[-1]["name"] == "co-creatie"
    assert quality[-1]["label"] == "Samen met studenten"
    assert [o["value"] for o in quality[-1]["options"]] == ["ja", "nee"]


def test_the_admin_page_is_built_only_when_the_cms_is_installed(project):
    generated = generate(project, today=TODAY)
    docs = generated.config.docs_dir
    assert not (docs / "admin").exists()  # a project without cms/ gets no /admin/
    if not cms.cms_installed(REPO):
        pytest.skip("the CMS is not installed (make cms-install)")
    (project / "cms").symlink_to(REPO / "cms", target_is_directory=True)
    generate(project, today=TODAY, cms_port=9999)
    admin = docs / "admin"
    assert {
        "index.html",
        "config.yml",
        "kennisbank-cms.js",
        "kennisbank-record.js",
        "decap-cms.js",
    } <= {p.name for p in admin.iterdir()}
    config = yaml.safe_load((admin / "config.yml").read_text(encoding="utf-8"))
    assert config["local_backend"]["url"] == "http://127.0.0.1:9999/api/v1"
    script = (admin / "kennisbank-cms.js").read_text(encoding="utf-8")
    assert "__RECORD_ORDER__" not in script and '"quality": ["evaluation"' in script
    assert "__DATE_RULE__" not in script and '"maart": 3' in script
    page = (admin / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"(src|href)=\"?(https?:)?//", page)  # everything from the site, no CDN
    assert csp.meta(csp.ADMIN_POLICY) in page  # the web form's Content-Security-Policy
    assert "data-pagefind-body" not in page  # not in the search index
    for md in docs.rglob("*.md"):
        assert "admin/" not in md.read_text(encoding="utf-8"), md  # not linked from pages


@pytest.mark.slow
def test_a_build_without_the_forms_packages_says_admin_was_left_out(project):
    result = CliRunner().invoke(main, ["build", "--project", str(project)])
    assert result.exit_code == 0, result.output
    assert "Zonder het invulformulier: /admin/ is weggelaten, want cms/node_modules/ ontbreekt" in (
        result.stderr
    )
    assert not (project / "site" / "admin").exists()


def test_kennisbank_cms_prints_the_configuration_the_build_uses(project):
    result = CliRunner().invoke(main, ["cms", "--project", str(project), "--cms-port", "8123"])
    assert result.exit_code == 0, result.output
    site, site_config = site_of(project)
    assert result.output == cms.config_text(site, site_config, 8123)
    assert yaml.safe_load(result.output)["collections"][0]["name"] == "initiatives"


def test_serve_cms_without_the_installed_form_says_what_is_missing(project):
    result = CliRunner().invoke(
        main, ["serve", "--cms", "--project", str(project), "--dev-addr", "127.0.0.1:1"]
    )
    assert result.exit_code == 1
    assert "het invulformulier is niet geïnstalleerd: verwacht Node.js en `make cms-install`" in (
        result.output
    )
    assert not (project / "build").exists()  # stopped before anything was generated
