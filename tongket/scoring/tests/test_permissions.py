"""Who may do what with score sheets: the pure can_* functions over the agencies reached."""

from __future__ import annotations

from tongket.accounts.scope import SYSTEM, Scope
from tongket.people.permissions import can_write_somewhere
from tongket.scoring import permissions as p

AGENCY = "0000000100/0000000101/"
OTHER_AGENCY = "0000000100/0000000102/"
ISSUER = "0000000100/"


def access(scope: Scope, read: tuple[str, ...] | None, write: tuple[str, ...] | None):
    return p.ScoringAccess(scope, lambda admin: write if admin else read)


OFFICE = Scope(False, (ISSUER,), (ISSUER,), (ISSUER,), None, None)
UNIT_READER = Scope(False, ("0000000001/",), (), (), None, None)


def test_a_unit_is_read_and_written_by_who_reaches_its_agency():
    reader = access(UNIT_READER, (AGENCY,), ())
    assert p.can_read_unit(reader, AGENCY)
    assert not p.can_read_unit(reader, OTHER_AGENCY)
    assert not p.can_write_unit(reader, AGENCY)
    writer = access(UNIT_READER, (AGENCY,), (AGENCY,))
    assert p.can_write_unit(writer, AGENCY + "0000000103/")


def test_the_superuser_reaches_every_agency_and_acts_for_every_issuer():
    everyone = access(SYSTEM, None, None)
    assert p.can_read_unit(everyone, OTHER_AGENCY)
    assert p.can_write_unit(everyone, OTHER_AGENCY)
    assert p.can_act_for_issuer(everyone, ISSUER)


def test_the_issuers_side_is_who_administers_the_issuing_agency():
    assert p.can_act_for_issuer(access(OFFICE, (), ()), ISSUER)
    assert not p.can_act_for_issuer(access(UNIT_READER, (AGENCY,), (AGENCY,)), ISSUER)


def test_importing_sheets_needs_a_write_grant_somewhere():
    for scope in (OFFICE, UNIT_READER, SYSTEM):
        assert p.can_import_sheets(access(scope, (), ())) is can_write_somewhere(scope)
