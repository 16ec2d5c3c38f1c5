"""Who may see what: the access file (access.toml) read into a policy, and the roles a visitor's ID-token claims
give. No Streamlit here: dashboard/views/door.py asks it for every page, figure, download and image, so the rules
have one implementation and can be tested without a server.

Three requirements: PUBLIC (KOSTRA pages, /kilder, KOSTRA figures: anonymous visitors too unless the file says
otherwise), LEDER (own data: pages, figures, downloads, images), IMPORT (/importer). In local mode (no `[auth]`)
the one person at the machine has every role.
"""
from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PUBLIC = "public"
LEDER = "leder"
IMPORT = "import"
ROLES = (LEDER, IMPORT)


class AccessFileError(ValueError):
    """The access file cannot be used; the message says what and where, in Norwegian."""


@dataclass(frozen=True)
class Rule:
    """Who gets a role: any matching value in the ID token's `roles` or `groups` claim, or an e-mail address."""
    roles: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Policy:
    anonymous_kostra: bool = True  # KOSTRA pages and figures without login (public statistics, embeds)
    rules: Mapping[str, Rule] = field(default_factory=dict)


@dataclass(frozen=True)
class Visitor:
    shared: bool                 # shared mode: `[auth]` in secrets.toml
    logged_in: bool = False
    name: str | None = None
    email: str | None = None
    sub: str | None = None
    roles: frozenset[str] = frozenset()


def local_visitor(user_name: str | None) -> Visitor:
    """Local mode: one person on their own machine, with every role; named after the machine's user."""
    return Visitor(shared=False, logged_in=False, name=user_name, roles=frozenset(ROLES))


def _strings(value, where: str) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise AccessFileError(f"{where} må være en liste med tekster, for eksempel [\"Dashboard.Leder\"].")
    return frozenset(v.strip() for v in value if v.strip())


def parse_policy(text: str, source: str = "access.toml") -> Policy:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AccessFileError(f"{source} kan ikke leses: {exc}") from None
    anonymous = data.get("anonymous", {})
    if not isinstance(anonymous, dict):
        raise AccessFileError(f"{source}: [anonymous] må være en tabell.")
    kostra = anonymous.get("kostra", True)
    if not isinstance(kostra, bool):
        raise AccessFileError(f"{source}: anonymous.kostra må være true eller false.")
    rules = {}
    for role, entry in (data.get("roles") or {}).items():
        if role not in ROLES:
            raise AccessFileError(f"{source}: ukjent rolle «{role}» under [roles]; rollene er {', '.join(ROLES)}.")
        if not isinstance(entry, dict):
            raise AccessFileError(f"{source}: [roles.{role}] må være en tabell.")
        unknown = set(entry) - {"roles", "groups", "emails"}
        if unknown:
            raise AccessFileError(f"{source}: [roles.{role}] har ukjent nøkkel «{sorted(unknown)[0]}»; "
                                  "bruk roles, groups eller emails.")
        rules[role] = Rule(roles=_strings(entry.get("roles"), f"{source}: roles.{role}.roles"),
                           groups=_strings(entry.get("groups"), f"{source}: roles.{role}.groups"),
                           emails=frozenset(e.lower() for e in _strings(entry.get("emails"),
                                                                       f"{source}: roles.{role}.emails")))
    return Policy(anonymous_kostra=kostra, rules=rules)


def load_policy(path: Path) -> Policy:
    """The access file; a missing file gives the default (KOSTRA public, nobody has a role)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Policy()
    return parse_policy(text, path.name)


def _claim_values(claims: Mapping, name: str) -> frozenset[str]:
    value = claims.get(name)
    if isinstance(value, str):
        return frozenset([value])
    if isinstance(value, (list, tuple)):
        return frozenset(str(v) for v in value)
    return frozenset()


def email_of(claims: Mapping) -> str | None:
    """Entra ID puts the address in `email` only when the user has a mailbox; `preferred_username` or `upn` holds
    the sign-in name otherwise."""
    for name in ("email", "preferred_username", "upn"):
        value = claims.get(name)
        if isinstance(value, str) and "@" in value:
            return value.strip()
    return None


def roles_for(claims: Mapping, policy: Policy) -> frozenset[str]:
    """The roles an ID token's claims give under the policy."""
    token_roles = _claim_values(claims, "roles")
    groups = _claim_values(claims, "groups")
    email = (email_of(claims) or "").lower()
    return frozenset(role for role, rule in policy.rules.items()
                     if token_roles & rule.roles or groups & rule.groups or (email and email in rule.emails))


def visitor_from_claims(claims: Mapping, policy: Policy) -> Visitor:
    """A shared-mode visitor: logged in when the claims say so, with the roles they give."""
    if not claims.get("is_logged_in"):
        return Visitor(shared=True)
    name = claims.get("name") or email_of(claims) or claims.get("sub")
    return Visitor(shared=True, logged_in=True, name=str(name) if name else None, email=email_of(claims),
                   sub=str(claims["sub"]) if claims.get("sub") is not None else None,
                   roles=roles_for(claims, policy))


def may(requirement: str, visitor: Visitor, policy: Policy) -> bool:
    if not visitor.shared:
        return True
    if requirement == PUBLIC:
        return policy.anonymous_kostra or visitor.logged_in
    return requirement in visitor.roles
