"""Rendering: the static catalog site (`build_site`) and the pricing exports."""

from catalog.render.site import BuildReport, build_site

__all__ = ["BuildReport", "build_site"]
