"""The one door: every page, /vis, /presentasjon, download and image request asks here whether this visitor may see
it, before any of its queries run. The rules are in dashboard/core/access.py and the access file (access.toml);
this module reads the visitor from Streamlit (st.user, the secrets' `[auth]`) and shows the refusal.

Local mode (no `[auth]` in .streamlit/secrets.toml): one person on their own machine, everything open.
Shared mode: login through the municipality's OIDC provider with st.login; roles from the ID token's claims.
"""
from __future__ import annotations

import functools
import getpass
import json
import os
import re
from pathlib import Path

import streamlit as st

from dashboard import figures
from dashboard.core import access
from dashboard.core.access import IMPORT, LEDER, PUBLIC, Visitor
from dashboard.core.text import html_text, markdown_text

ROOT = Path(__file__).resolve().parents[2]
ACCESS_FILE_ENV = "KOSTRA_ACCESS_FILE"

# pages by URL path; every other page is PUBLIC (the KOSTRA pages, /kilder; /vis and /presentasjon ask per figure)
PAGE_NEEDS = {"budsjettavvik": LEDER, "sykefravaer": LEDER, "enhetsrapport": LEDER, "importer": IMPORT}
FIGURE_NEEDS = {"own": LEDER}  # by the figure's domain; every other domain is public statistics

NEXT_COOKIE = "kp_next"  # where a refused visitor wanted to go, read back after login (Streamlit lands on /)
_SAFE_NEXT = re.compile(r"^/[a-z0-9-]*(\?[A-Za-z0-9_.~%=&,@:+-]*)?$")


class Refused(PermissionError):
    """A download or image the visitor may not have: raised before anything is built."""


def access_file() -> Path:
    return Path(os.environ.get(ACCESS_FILE_ENV) or ROOT / "access.toml")


_policy_cache: dict[tuple, access.Policy] = {}


def policy() -> access.Policy:
    """The access file, read again when it changes (no restart needed to give someone a role)."""
    path = access_file()
    try:
        stat = path.stat()
        stamp = (str(path), stat.st_ino, stat.st_size, stat.st_mtime_ns)  # size too: two writes within a clock tick
    except FileNotFoundError:
        stamp = (str(path), None)
    if stamp not in _policy_cache:
        _policy_cache.clear()
        _policy_cache[stamp] = access.load_policy(path)
    return _policy_cache[stamp]


def shared_mode() -> bool:
    """Shared mode is `[auth]` in .streamlit/secrets.toml (or the test's secrets): configuration alone decides.

    Without a secrets file Streamlit looks for one, fails and builds its error on every call (five a page run): a
    look at whether any of its secrets files exists answers that case first. Streamlit's own Secrets object only
    (AppTest puts another in its place, with the test's secrets)."""
    from streamlit.runtime.secrets import secrets_singleton
    try:
        if st.secrets is secrets_singleton and not _secrets_file_exists():
            return False
        return bool(st.secrets.load_if_toml_exists() and "auth" in st.secrets)
    except Exception:  # noqa: BLE001 - an unreadable secrets file is no login configuration
        return False


_secrets_seen: list = [float("-inf"), False]  # [when looked, whether a secrets file existed]


def _secrets_file_exists() -> bool:
    """Looked up at most once a second (each page run asks five times; a secrets file is added by an operator,
    and Streamlit's login needs a restart to take it in anyway)."""
    import time
    from streamlit import config
    now = time.monotonic()
    if now - _secrets_seen[0] > 1.0:
        _secrets_seen[1] = any(os.path.exists(path) for path in config.get_option("secrets.files") or ())
        _secrets_seen[0] = now
    return _secrets_seen[1]


@functools.cache
def machine_user() -> str | None:
    """The account the server runs as (it does not change while the process lives; looking it up reads the
    password database)."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in this environment
        return None


def visitor() -> Visitor:
    """Who is asking, read from st.user on each run (Streamlit reads the claims once per session)."""
    if not shared_mode():
        return access.local_visitor(machine_user())
    try:
        claims = st.user.to_dict()
    except Exception:  # noqa: BLE001 - no user context: anonymous
        claims = {}
    return access.visitor_from_claims(claims, policy())


def may(requirement: str, who: Visitor | None = None) -> bool:
    who = who or visitor()
    if not who.shared:  # local mode: everything, without reading the access file
        return True
    return access.may(requirement, who, policy())


def page_requirement(url_path: str | None) -> str:
    return PAGE_NEEDS.get(url_path or "", PUBLIC)


def figure_requirement(figure_id: str) -> str:
    spec = figures.FIGURES.get(figure_id)
    return FIGURE_NEEDS.get(spec.domain, PUBLIC) if spec is not None else PUBLIC


def may_open_page(url_path: str | None, who: Visitor | None = None) -> bool:
    return may(page_requirement(url_path), who)


def may_see_figure(figure_id: str, who: Visitor | None = None) -> bool:
    return may(figure_requirement(figure_id), who)


def require_figure(figure_id: str, who: Visitor | None = None) -> None:
    """For downloads and images: raise Refused unless the visitor may see the figure (checked before building)."""
    if not may_see_figure(figure_id, who):
        raise Refused(f"Figuren «{figure_id}» er ikke offentlig.")


def embedded() -> bool:
    """Inside an iframe or opened with `embed=true` (st.login does not work there). Streamlit keeps `embed` out of
    st.query_params and reports it here."""
    try:
        return bool(st.context.is_embedded)
    except Exception:  # noqa: BLE001 - no browser context
        return False


def _remember_target() -> None:
    """A cookie with the page and selection the visitor asked for, read back after login (Streamlit sends the user
    to / after login). Only a path on this server is ever followed."""
    st.html(f"""<script>
document.cookie = "{NEXT_COOKIE}=" + encodeURIComponent(location.pathname + location.search) +
  "; path=/; max-age=900; SameSite=Lax";
</script>""", unsafe_allow_javascript=True)


def follow_target(who: Visitor) -> None:
    """After login, back to the page the visitor asked for (once: the cookie is cleared first)."""
    if not who.logged_in:
        return
    try:
        raw = st.context.cookies.get(NEXT_COOKIE)
    except Exception:  # noqa: BLE001 - no browser context
        raw = None
    if not isinstance(raw, str) or not raw:
        return
    from urllib.parse import unquote
    target = unquote(raw)
    if _SAFE_NEXT.match(target):
        st.html(f"<script>document.cookie = '{NEXT_COOKIE}=; path=/; max-age=0'; "
                f"location.replace({json.dumps(target)});</script>", unsafe_allow_javascript=True)
    else:
        st.html(f"<script>document.cookie = '{NEXT_COOKIE}=; path=/; max-age=0';</script>",
                unsafe_allow_javascript=True)


def refuse(what: str = "Denne siden", *, figure: bool = False) -> None:
    """The refusal: a short Norwegian message and «Logg inn» (in an iframe: «Denne figuren er ikke offentlig»).
    Nothing of what was asked for has been read."""
    who = visitor()
    if figure and embedded():
        st.html("<p class='fig-message' data-testid='access-refused'>Denne figuren er ikke offentlig.</p>")
        return
    if who.logged_in:
        st.html(f"<p data-testid='access-refused'>{html_text(what)} krever en rolle du ikke har. Spør den som "
                "forvalter dashbordet i kommunen om tilgang.</p>")
        return
    st.html(f"<p data-testid='access-refused'>{html_text(what)} krever innlogging.</p>")
    _remember_target()
    st.button("Logg inn", key="door-login", type="primary", on_click=st.login)


def refusal_page(title: str):
    """A stand-in with the refused page's address: the page file never runs, so none of its queries do."""
    def page() -> None:
        st.title(title)
        refuse("Denne siden")
    page.__name__ = f"refused_{re.sub(r'[^0-9a-z]', '_', title.lower())}"
    return page


def account_box(who: Visitor) -> None:
    """«Logg inn» / «Logg ut» and the user's name in the sidebar (shared mode); local mode says it is local."""
    with st.sidebar:
        if not who.shared:
            return
        if who.logged_in:
            st.caption(f"Innlogget som **{markdown_text(who.name or who.email or 'ukjent')}**")
            st.button("Logg ut", key="door-logout", on_click=st.logout)
        else:
            st.button("Logg inn", key="door-login-sidebar", on_click=st.login)


def local_notice() -> None:
    """One line on the own-data pages in local mode: what they show is open to whoever uses this machine."""
    if not shared_mode():
        st.caption("Lokal modus: egne data på denne siden er åpne for alle som bruker denne maskinen.")


def author() -> dict[str, str | None]:
    """Who is importing: the ID token's `sub` and e-mail in shared mode, the machine's user in local mode."""
    who = visitor()
    if who.shared:
        return {"sub": who.sub, "email": who.email, "name": who.name}
    return {"sub": None, "email": None, "name": who.name}
