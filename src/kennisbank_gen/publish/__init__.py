"""Build: the recipe (`recipe`), the site builder and the search indexer (`site_builder`), and
writing the docs tree and swapping the finished site into place (`output`)."""

from .recipe import BuildResult, Generated, build, generate

__all__ = ["BuildResult", "Generated", "build", "generate"]
