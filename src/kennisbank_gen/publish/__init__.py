"""Publish: the recipe (`recipe`), the docs tree (`docs_tree`), MkDocs (`mkdocs_site`), the pass
over the output that gates it and prepares the search index (`output_pass`, `gate`,
`search_index`), and swapping the finished site into place (`output`)."""

from .recipe import BuildResult, Generated, build, generate

__all__ = ["BuildResult", "Generated", "build", "generate"]
