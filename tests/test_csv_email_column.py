"""A column of e-mail addresses is never the name (issue 18, a newcomer's review:
`Who;Contact;Org;Birthday` mapped Contact -> name and made a person called
anna@example.se)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from troth.owners import local_owner
from troth.people.models import ContactPoint, Person

if TYPE_CHECKING:
    from conftest import Cli

SHEET = "Who;Contact;Org;Birthday\nAnna Berg;anna@example.se;Berg AB;12/31/1980\n"


def test_who_is_the_name_and_the_address_column_is_email(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(SHEET, encoding="utf-8")
    out = cli("import", str(path)).stdout
    assert "Who → name" in out and "Contact → email" in out
    anna = Person.objects.get(owner=local_owner(), is_me=False)
    assert anna.full_name == "Anna Berg"
    assert ContactPoint.objects.filter(person=anna, value="anna@example.se").exists()
    # mapped by hand the second time: the same person, not a second one
    cli("import", str(path), "--map", "name=Who", "--map", "email=Contact")
    assert Person.objects.filter(owner=local_owner(), is_me=False).count() == 1


def test_no_name_column_left_says_which_columns_there_are(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_text("Contact;Org\nanna@example.se;Berg AB\n", encoding="utf-8")
    err = cli("import", str(path), code=2).stderr
    assert "no column troth recognises as a name" in err
    assert "Contact, Org" in err and "Contact holds e-mail addresses" in err
    assert not Person.objects.filter(owner=local_owner(), is_me=False).exists()
