"""Rendering: the static catalog site (`build_site`) and the pricing exports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from catalog.render.site import BuildReport, build_site

__all__ = ["BuildReport", "build_site"]


def __getattr__(name: str) -> Any:
    # The renderer (Jinja2 and every view) is imported when first used, not with the
    # package: commands that only export or crawl start faster.
    if name in __all__:
        from catalog.render import site

        return getattr(site, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
