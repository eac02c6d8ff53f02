"""Issue 19: a record's own address spells the formal given name its display name
shortens ("Ellie Crawby" writing from elizabeth.crawby@): the matcher reads it as a
form of the record's given name, as it reads a nickname a source gave, so a nickname
its table lacks does not split the person. A household's shared address (another
given name, another letter) and an initial do not widen the name."""

from __future__ import annotations

from troth.identity.match import Candidate, find_matches
from troth.identity.records import _prepare

# "Ellie" is in no nickname table under Elizabeth (the matcher's or the package's):
# the address is the only thing that links the two names.
ELLIE = Candidate(
    1,
    "Ellie Crawby",
    emails=("elizabeth.crawby@jaderealty.example",),
    sources=("mail",),
)
ELIZABETH = Candidate(2, "Elizabeth Crawby", company="Jade Realty", sources=("linkedin",))


def test_the_address_names_the_formal_given_name() -> None:
    forms = _prepare(ELLIE).forms
    assert "elizabeth" in forms
    assert "ellie" in forms


def test_the_two_records_are_one_person() -> None:
    sure = {(m.a, m.b) for m in find_matches([ELLIE, ELIZABETH]) if m.sure}
    assert sure == {(1, 2)}


def test_a_shared_household_address_names_someone_else() -> None:
    # John writes from his wife's address: Kim is not one of John's names
    john = Candidate(3, "John Smith", emails=("kim.smith@gmail.com",), sources=("mail",))
    kim = Candidate(4, "Kim Smith", company="Acme", sources=("linkedin",))
    assert "kim" not in _prepare(john).forms
    assert not [m for m in find_matches([john, kim]) if m.sure]


def test_another_family_name_or_an_initial_adds_nothing() -> None:
    married = Candidate(5, "Ellie Crawby", emails=("elizabeth.norris@gmail.com",))
    assert "elizabeth" not in _prepare(married).forms
    initial = Candidate(6, "E. Crawby", emails=("elizabeth.crawby@gmail.com",))
    assert _prepare(initial).forms == _prepare(Candidate(7, "E. Crawby")).forms
