"""/vis: one figure and nothing else (no menu, no sidebar, no widgets), for a link or an iframe."""
from dashboard.views import embed
from dashboard.views.nav_guard import ensure_app_navigation

ensure_app_navigation()  # a politician's link may be the first request to a fresh server: see nav_guard.py

embed.single_figure()
