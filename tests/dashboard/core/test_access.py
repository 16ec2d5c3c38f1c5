"""The access rules without a server: the access file, the roles claims give, and who may see what."""
from __future__ import annotations

import pytest

from dashboard.core import access
from dashboard.core.access import IMPORT, LEDER, PUBLIC, Policy

FILE = """
[anonymous]
kostra = true
[roles.leder]
roles = ["Dashboard.Leder"]
groups = ["9f1c-ledere"]
emails = ["Kari.Nordmann@Larvik.kommune.no"]
[roles.import]
roles = ["Dashboard.Import"]
"""


def test_claims_give_roles_by_roles_groups_or_email():
    policy = access.parse_policy(FILE)
    assert access.roles_for({"roles": ["Dashboard.Leder"]}, policy) == {LEDER}
    assert access.roles_for({"roles": "Dashboard.Import"}, policy) == {IMPORT}
    assert access.roles_for({"groups": ["9f1c-ledere", "annen"]}, policy) == {LEDER}
    assert access.roles_for({"preferred_username": "kari.nordmann@larvik.kommune.no"}, policy) == {LEDER}
    assert access.roles_for({"roles": ["Dashboard.Leder", "Dashboard.Import"]}, policy) == {LEDER, IMPORT}
    assert access.roles_for({"roles": ["leder"], "email": "ola@larvik.kommune.no"}, policy) == frozenset()


@pytest.mark.parametrize("requirement, anonymous, no_role, leder, importer", [
    (PUBLIC, True, True, True, True),
    (LEDER, False, False, True, False),
    (IMPORT, False, False, False, True),
])
def test_who_may_what_in_shared_mode(requirement, anonymous, no_role, leder, importer):
    policy = access.parse_policy(FILE)
    visitors = [access.visitor_from_claims({}, policy),
                access.visitor_from_claims({"is_logged_in": True, "sub": "a", "email": "ola@x.no"}, policy),
                access.visitor_from_claims({"is_logged_in": True, "sub": "b", "roles": ["Dashboard.Leder"]}, policy),
                access.visitor_from_claims({"is_logged_in": True, "sub": "c", "roles": ["Dashboard.Import"]}, policy)]
    assert [access.may(requirement, v, policy) for v in visitors] == [anonymous, no_role, leder, importer]


def test_a_municipality_can_require_login_for_the_kostra_part():
    policy = access.parse_policy("[anonymous]\nkostra = false\n")
    assert not access.may(PUBLIC, access.visitor_from_claims({}, policy), policy)
    assert access.may(PUBLIC, access.visitor_from_claims({"is_logged_in": True, "sub": "x"}, policy), policy)


def test_local_mode_is_one_person_with_every_role():
    me = access.local_visitor("kari")
    assert all(access.may(r, me, Policy(anonymous_kostra=False)) for r in (PUBLIC, LEDER, IMPORT))
    assert me.name == "kari" and not me.shared


def test_the_logged_in_visitor_carries_sub_email_and_name():
    v = access.visitor_from_claims({"is_logged_in": True, "sub": "0a1b", "upn": "kari@larvik.kommune.no"}, Policy())
    assert (v.sub, v.email, v.name, v.roles) == ("0a1b", "kari@larvik.kommune.no", "kari@larvik.kommune.no",
                                                 frozenset())


@pytest.mark.parametrize("text, message", [
    ("[roles.admin]\nroles = ['x']", "ukjent rolle «admin»"),
    ("[roles.leder]\nrole = ['x']", "ukjent nøkkel «role»"),
    ("[roles.leder]\nroles = 3", "roles.leder.roles må være en liste"),
    ("[anonymous]\nkostra = 'ja'", "anonymous.kostra må være true eller false"),
    ("[roles.leder\n", "kan ikke leses"),
])
def test_a_bad_access_file_says_what_and_where(text, message):
    with pytest.raises(access.AccessFileError, match=message):
        access.parse_policy(text)


def test_the_shipped_access_file_parses_and_keeps_kostra_public():
    from pathlib import Path
    policy = access.load_policy(Path(__file__).resolve().parents[3] / "access.toml")
    assert policy.anonymous_kostra and set(policy.rules) == {LEDER, IMPORT}
    assert access.load_policy(Path("/nonexistent/access.toml")) == Policy()
