"""The published files offered as downloads in the embed and presentation views (one compact «Last ned» menu).

Why a module of its own: dashboard/publish/files.py makes files and knows nothing of Streamlit; the views call
`download_menu(bundle, key=…)` after drawing a figure. The files are made only when a button is clicked (Streamlit
runs a callable `data` then), so showing the menu costs nothing and Chromium starts only for a PNG or SVG.
"""
from __future__ import annotations

import streamlit as st

from dashboard.publish import files as publish


def download_menu(bundle, *, key: str) -> None:
    """A «Last ned» popover with the figure as offline HTML, PNG, SVG, XLSX and CSV."""
    with st.popover("Last ned", icon=":material/download:"):
        st.caption("Filene virker uten nett og uten denne appen – for møtepapirer og nettsider.")
        for label, file_name, mime, make in publish.download_files(bundle):
            st.download_button(label, data=_safe(make), file_name=file_name, mime=mime, key=f"{key}-{file_name}",
                               on_click="ignore", width="stretch")


def _safe(make):
    """A failed image (no Chromium on the server) must not break the view: the download gets a text explaining it."""
    def run():
        try:
            return make()
        except publish.PublishError as exc:
            return f"Filen kunne ikke lages: {exc}".encode("utf-8")
    return run
