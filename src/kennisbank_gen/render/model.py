"""Model: validated documents -> typed objects with cross-links and indexes.

Initiative <-> guidance item links run both ways: a record names the items it puts into practice,
and each item learns which initiatives answer it. `related` links between items are made mutual.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..read.dates import PartialDate
from ..read.framework import UNKNOWN_LABEL, Criterion, Framework, Term, Value
from ..read.guidance import item_id
from ..read.project import Project


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Rating:
    """The value(s) a record has on one criterion of the framework."""

    criterion: Criterion
    #: empty when the record leaves the criterion out: "Niet bekend"
    values: tuple[Value, ...]

    @property
    def known(self) -> bool:
        return bool(self.values)

    @property
    def level(self) -> int:
        """The step of the strongest value on the criterion's scale (`Criterion.level`); 0 when
        unknown or outside the scale ("Niet van toepassing")."""
        return max((self.criterion.level(v) for v in self.values), default=0)

    @property
    def short(self) -> str:
        """The value(s) in a few words, for the quality profile and the cards."""
        return "; ".join(v.short_label for v in self.values) or UNKNOWN_LABEL


@dataclass(eq=False)
class Initiative:
    slug: str
    source: str
    title: str
    initiators: tuple[str, ...]
    date: PartialDate
    kind: Term
    sectors: tuple[Term, ...]
    themes: tuple[Term, ...]
    summary: str
    body: str
    links: tuple[Link, ...]
    ratings: tuple[Rating, ...]
    status: Term | None
    last_reviewed: PartialDate | None
    example: bool
    previous_slugs: tuple[str, ...]
    #: former addresses on the live site, such as '/onderzoek/mijn-initiatief/'
    previous_urls: tuple[str, ...]
    guidance: list[GuidanceItem] = field(default_factory=list, repr=False)

    @property
    def profile(self) -> tuple[Rating, ...]:
        """The ratings in the order of the quality profile: what judges the initiative first,
        then what describes it (`Criterion.kind`), each in framework order."""
        return tuple(sorted(self.ratings, key=lambda r: r.criterion.kind != "judgement"))

    @property
    def page(self) -> str:
        return f"initiatieven/{self.slug}.md"

    @property
    def url(self) -> str:
        return f"initiatieven/{self.slug}/"


@dataclass(eq=False)
class GuidanceGroup:
    id: str
    label: str
    title: str
    level: str
    section: str
    description: str
    cycle: bool
    items: list[GuidanceItem] = field(default_factory=list, repr=False)


@dataclass(eq=False)
class GuidanceItem:
    set: GuidanceSet = field(repr=False)
    number: int
    title: str
    group: GuidanceGroup | None = field(repr=False)
    section: str
    audience: tuple[str, ...]
    summary: str
    previous_numbers: tuple[int, ...]
    related: list[GuidanceItem] = field(default_factory=list, repr=False)
    initiatives: list[Initiative] = field(default_factory=list, repr=False)

    @property
    def id(self) -> str:
        return item_id(self.set.id, self.number)

    @property
    def page(self) -> str:
        return f"{self.set.path}/{self.number:02d}.md"

    @property
    def url(self) -> str:
        return f"{self.set.path}/{self.number:02d}/"


@dataclass(eq=False)
class GuidanceSet:
    id: str
    title: str
    item_label: str
    item_label_plural: str
    path: str
    publisher: str
    year: int
    source_title: str
    source_url: str | None
    intro: str
    initiative_slug: str | None
    previous_paths: tuple[str, ...]
    groups: list[GuidanceGroup] = field(default_factory=list, repr=False)
    items: list[GuidanceItem] = field(default_factory=list, repr=False)
    initiative: Initiative | None = field(default=None, repr=False)

    @property
    def page(self) -> str:
        return f"{self.path}/index.md"

    @property
    def url(self) -> str:
        return f"{self.path}/"


@dataclass
class Site:
    """Everything a page can show, with indexes for lookups."""

    framework: Framework
    initiatives: list[Initiative]  # newest first
    guidance_sets: list[GuidanceSet]
    items: dict[str, GuidanceItem]

    def newest(self, n: int) -> list[Initiative]:
        """The `n` newest real initiatives: fictional examples are never "news"."""
        return [i for i in self.initiatives if not i.example][:n]

    def initiative(self, slug: str) -> Initiative:
        return next(i for i in self.initiatives if i.slug == slug)

    def count_unknown(self, criterion_id: str) -> int:
        """How many initiatives leave this criterion out ("Niet bekend")."""
        return sum(
            not r.known
            for i in self.initiatives
            for r in i.ratings
            if r.criterion.id == criterion_id
        )

    def count_with(self, criterion_id: str, value_id: str) -> int:
        """How many initiatives have this value on this criterion."""
        return sum(
            any(
                v.id == value_id
                for r in i.ratings
                if r.criterion.id == criterion_id
                for v in r.values
            )
            for i in self.initiatives
        )


def _initiative(doc, framework: Framework) -> Initiative:
    d = doc.data
    quality = d["quality"]
    ratings = []
    for c in framework.criteria:
        chosen = quality.get(c.id, [])  # absent: unknown, or a missing criterion that only warns
        chosen = chosen if isinstance(chosen, list) else [chosen]
        # framework order, not the order the editor typed them in
        ratings.append(Rating(c, tuple(v for v in c.values if v.id in chosen)))
    return Initiative(
        slug=Path(doc.path).stem,
        source=doc.path,
        title=d["title"],
        initiators=tuple(d["initiators"]),
        date=PartialDate.parse(d["date"]),
        kind=framework.term("kinds", d["kind"]),
        sectors=tuple(t for t in framework.vocabularies["sectors"] if t.id in d.get("sectors", [])),
        themes=tuple(framework.term("themes", t) for t in d["themes"]),
        summary=d["summary"].strip(),
        body=d["body"].strip(),
        links=tuple(Link(x["label"], x["url"]) for x in d.get("links", [])),
        ratings=tuple(ratings),
        status=framework.term("statuses", d["status"]) if "status" in d else None,
        last_reviewed=PartialDate.parse(d["last_reviewed"]) if "last_reviewed" in d else None,
        example=bool(d.get("example", False)),
        previous_slugs=tuple(d.get("previous_slugs", [])),
        previous_urls=tuple(d.get("previous_urls", [])),
    )


def _guidance_set(doc) -> GuidanceSet:
    d = doc.data
    gset = GuidanceSet(
        id=d["id"],
        title=d["title"],
        item_label=d["item_label"],
        item_label_plural=d["item_label_plural"],
        path=d["path"],
        publisher=d["publisher"],
        year=d["year"],
        source_title=d["source_title"],
        source_url=d["source_url"],
        intro=d["intro"].strip(),
        initiative_slug=d.get("initiative"),
        previous_paths=tuple(d.get("previous_paths", [])),
    )
    gset.groups = [
        GuidanceGroup(
            g["id"],
            g["label"],
            g["title"],
            g.get("level", ""),
            g.get("section", ""),
            g["description"].strip(),
            g.get("cycle", False),
        )
        for g in d.get("groups", [])
    ]
    groups = {g.id: g for g in gset.groups}
    for it in d["items"]:
        item = GuidanceItem(
            set=gset,
            number=it["number"],
            title=it["title"],
            group=groups.get(it.get("group")),
            section=it.get("section", ""),
            audience=tuple(it.get("audience", [])),
            summary=it["summary"].strip(),
            previous_numbers=tuple(it.get("previous_numbers", [])),
        )
        gset.items.append(item)
        if item.group:
            item.group.items.append(item)
    return gset


def build_model(project: Project) -> Site:
    """Typed, cross-linked site model from a project whose check found no errors."""
    framework = project.framework
    initiatives = sorted(
        (_initiative(doc, framework) for doc in project.records),
        key=lambda i: (i.date.sort_key, i.title),
        reverse=True,
    )
    sets = [_guidance_set(doc) for doc in project.guidance]
    items = {item.id: item for s in sets for item in s.items}
    by_slug = {i.slug: i for i in initiatives}

    for gset, doc in zip(sets, project.guidance, strict=True):
        gset.initiative = by_slug.get(gset.initiative_slug or "")
        for item, raw in zip(gset.items, doc.data["items"], strict=True):
            for ref in raw.get("related", []):
                other = items.get(ref)
                if other is None:
                    continue  # an unknown id: reported by the check stage (may be a warning)
                if other not in item.related:
                    item.related.append(other)
                if item not in other.related:
                    other.related.append(item)
    for initiative, doc in ((i, d) for d in project.records for i in [by_slug[Path(d.path).stem]]):
        for ref in doc.data.get("guidance", []):
            item = items.get(ref)
            if item is None:
                continue  # an unknown id: reported by the check stage (may be a warning)
            initiative.guidance.append(item)
            item.initiatives.append(initiative)
    for item in items.values():
        item.related.sort(key=lambda x: (x.set.id, x.number))
        item.initiatives.sort(key=lambda i: (i.date.sort_key, i.title), reverse=True)
    return Site(framework, initiatives, sets, items)
