"""/presentasjon: one figure per screen at projector size, previous/next, every slide its own link (`side`)."""
from dashboard.views import embed
from dashboard.views.nav_guard import ensure_app_navigation

ensure_app_navigation()  # before anything renders: see dashboard/views/nav_guard.py

embed.presentation()
