"""vCard importer: every real file in ../shared/realdata/vcard, plus synthetic ones.

Pure: the parser yields records; no database is involved.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from troth.importers.records import ImportFileError, PersonRecord, Problem
from troth.importers.vcard import PARSER

if TYPE_CHECKING:
    pass

# The same place the `realdata` fixture looks; read here only to name the
# parameters (the fixture decides whether the tests run, skip or fail).
_VCARDS = Path(__file__).resolve().parents[1].parent / "shared" / "realdata" / "vcard"
FILES = sorted(str(p.relative_to(_VCARDS)) for p in _VCARDS.rglob("*") if p.is_file()) or [
    "(realdata absent)"
]

ERROR = "error"
# What each real file yields: (people, problems), or ERROR for a file that is
# not a vCard file at all (an ImportFileError naming it).
EXPECTED: dict[str, tuple[int, int] | str] = {
    "android_aosp/v21_adr_multiple_line.vcf": (1, 0),
    "android_aosp/v21_android_custom_prop.vcf": (0, 1),  # nothing but X-ANDROID-CUSTOM
    "android_aosp/v21_backslash.vcf": (1, 0),
    "android_aosp/v21_base64_no_2_crlf.vcf": (1, 0),
    "android_aosp/v21_blackberry_photo.vcf": (1, 0),
    "android_aosp/v21_complicated.vcf": (1, 0),
    "android_aosp/v21_im.vcf": (0, 1),  # an IM handle only: nobody to add
    "android_aosp/v21_invalid_comment_line.vcf": (1, 0),
    "android_aosp/v21_invalid_multiple_line.vcf": (1, 0),
    "android_aosp/v21_japanese_1.vcf": (1, 0),
    "android_aosp/v21_japanese_2.vcf": (1, 0),
    "android_aosp/v21_japanese_3.vcf": (1, 0),
    "android_aosp/v21_malformed_photo.vcf": (1, 0),
    "android_aosp/v21_multiple_entry.vcf": (3, 0),
    "android_aosp/v21_nest.vcf": (3, 0),
    "android_aosp/v21_org_before_title.vcf": (1, 0),
    "android_aosp/v21_pref_handling.vcf": (1, 0),
    "android_aosp/v21_simple_1.vcf": (1, 0),
    "android_aosp/v21_simple_2.vcf": (1, 0),
    "android_aosp/v21_simple_3.vcf": (1, 0),
    "android_aosp/v21_sip.vcf": (1, 0),
    "android_aosp/v21_title_before_org.vcf": (1, 0),
    "android_aosp/v21_winmo_65.vcf": (1, 0),
    "android_aosp/v21_x_android_custom_after_photo.vcf": (1, 0),
    "android_aosp/v21_x_param.vcf": (1, 0),
    "android_aosp/v30_comma_separated.vcf": (1, 0),
    "android_aosp/v30_ios_613_multiline.vcf": (1, 0),
    "android_aosp/v30_japanese.vcf": (1, 0),
    "android_aosp/v30_multibyte_param.vcf": (1, 0),
    "android_aosp/v30_pager.vcf": (1, 0),
    "android_aosp/v30_pause_wait.vcf": (1, 0),
    "android_aosp/v30_simple.vcf": (1, 0),
    "android_aosp/v30_sip.vcf": (1, 0),
    "android_aosp/v40_sip.vcf": (1, 0),
    "android_aosp/v40_sort_as.vcf": (1, 0),
    "ezvcard_John_Doe_ANDROID.vcf": (6, 0),
    "ezvcard_John_Doe_BLACK_BERRY.vcf": (1, 0),
    "ezvcard_John_Doe_EVOLUTION.vcf": (1, 0),
    "ezvcard_John_Doe_GMAIL.vcf": (1, 0),
    "ezvcard_John_Doe_IPHONE.vcf": (1, 0),
    "ezvcard_John_Doe_LOTUS_NOTES.vcf": (1, 0),
    "ezvcard_John_Doe_MAC_ADDRESS_BOOK.vcf": (1, 0),
    "ezvcard_John_Doe_MS_OUTLOOK.vcf": (1, 0),
    "ezvcard_fullcontact.vcf": (1, 0),
    "ezvcard_gmail-list.vcf": (3, 0),
    "ezvcard_gmail-single.vcf": (1, 0),
    "ezvcard_gmail-single2.vcf": (1, 0),
    "ezvcard_issue114.vcf": (1, 0),
    "ezvcard_outlook-2003.vcf": (1, 0),
    "ezvcard_outlook-2007.vcf": (1, 0),
    "ezvcard_rfc2426-example.vcf": (2, 0),
    "ezvcard_rfc6350-example.vcf": (1, 0),
    "ezvcard_thunderbird-MoreFunctionsForAddressBook-extension.vcf": (1, 0),
    "ezvcard_vcard-samples-license.txt": ERROR,  # a licence, not a vCard
    # The vCard validator's invalid files: lenient where the data is clear,
    # a Problem where a card cannot be read, an error where there is no card.
    "vcard_validator/continuation_at_start.vcf": (1, 0),
    "vcard_validator/dot_at_line_start.vcf": (0, 1),
    "vcard_validator/invalid_begin.vcf": ERROR,
    "vcard_validator/invalid_language_value.vcf": (1, 0),
    "vcard_validator/invalid_param_name.vcf": (1, 0),
    "vcard_validator/invalid_param_value.vcf": (1, 0),
    "vcard_validator/invalid_property_foo.vcf": (1, 0),
    "vcard_validator/invalid_value_count_wp.vcf": (1, 0),
    "vcard_validator/line_ending_mac.vcf": (1, 0),
    "vcard_validator/line_ending_mixed.vcf": (1, 0),
    "vcard_validator/line_ending_unix.vcf": (1, 0),
    "vcard_validator/maximal.vcf": (1, 0),
    "vcard_validator/minimal.vcf": (1, 0),
    "vcard_validator/mismatch_group.vcf": (1, 0),
    "vcard_validator/missing_end.vcf": (0, 1),
    "vcard_validator/missing_fn.vcf": (1, 0),
    "vcard_validator/missing_group.vcf": (1, 0),
    "vcard_validator/missing_n.vcf": (1, 0),
    "vcard_validator/missing_n_value.vcf": (0, 1),
    "vcard_validator/missing_param_value.vcf": (1, 0),
    "vcard_validator/missing_photo_param.vcf": (1, 0),
    "vcard_validator/missing_properties.vcf": (0, 1),
    "vcard_validator/missing_start.vcf": ERROR,
    "vcard_validator/missing_version.vcf": (1, 0),
    "vcard_validator/rfc_2426_a.vcf": (1, 0),
    "vcard_validator/rfc_2426_b.vcf": (1, 0),
    "vcard_validator/scrambled_case.vcf": (1, 0),
    "vobject_radicale-1587.vcf": (1, 0),
}

JPEG = b"\xff\xd8\xff"
PNG = b"\x89PNG"


def parse(path: Path, **options: object) -> list[Any]:  # records of every kind, picked by position
    options.setdefault("me", set())
    return list(PARSER.parse(path, **options))


def people(path: Path, **options: object) -> list[PersonRecord]:
    return [r for r in parse(path, **options) if isinstance(r, PersonRecord)]


def only(path: Path) -> PersonRecord:
    found = people(path)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("name", FILES)
def test_every_real_vcard_file(realdata: Path, name: str) -> None:
    path = realdata / "vcard" / name
    assert name in EXPECTED, f"{name} is new in realdata: say what it should yield"
    expected = EXPECTED[name]
    if expected == ERROR:
        with pytest.raises(ImportFileError) as caught:
            parse(path)
        message = str(caught.value)
        assert message.startswith(f"{path}: ") and "\n" not in message
        return
    records = parse(path)
    found = [r for r in records if isinstance(r, PersonRecord)]
    problems = [r for r in records if isinstance(r, Problem)]
    assert len(records) == len(found) + len(problems)
    assert (len(found), len(problems)) == expected, records
    assert PARSER.detect(path)
    for record in found:
        assert record.source == "vcard"
        assert record.full_name.strip() == record.full_name and record.full_name
        assert record.external_id
        assert record.where.startswith(f"{path}:")
        assert all(e == e.lower() and "@" in e for e in record.emails)
        assert all(p.startswith("+") for p in record.phones)
        assert all(u.startswith("https://") for u in record.urls)
    for problem in problems:
        assert problem.where.startswith(f"{path}:") and problem.reason
        assert "\n" not in problem.reason
    # Importing again gives the same ids: re-import changes nothing.
    again = [r.external_id for r in parse(path) if isinstance(r, PersonRecord)]
    assert again == [r.external_id for r in found]
    assert len(set(again)) == len(again)


def test_shift_jis_names_decode_to_kanji(realdata: Path) -> None:
    root = realdata / "vcard" / "android_aosp"
    assert only(root / "v21_japanese_1.vcf").full_name == "安藤ロイド"
    second = only(root / "v21_japanese_2.vcf")
    assert second.full_name == "安藤 ロイド 1"
    assert (second.family_name, second.given_name) == ("安藤", "ロイド1")
    assert second.note == "メモ"  # SHIFT_JIS inside quoted-printable
    for name in ("v21_japanese_3.vcf", "v30_japanese.vcf"):
        record = only(root / name)
        assert record.full_name == "伊能 圭一 伊予"
        assert (record.family_name, record.given_name) == ("伊能", "圭一")
    assert [p.full_name for p in people(root / "v21_multiple_entry.vcf")] == [
        "安藤ロイド3",
        "安藤ロイド4",
        "安藤ロイド5",
    ]
    assert only(root / "v40_sort_as.vcf").company == "グーグル"


def test_quoted_printable_soft_breaks_are_joined(realdata: Path) -> None:
    root = realdata / "vcard"
    outlook = only(root / "ezvcard_outlook-2003.vcf")
    assert outlook.note == "This is the note field!!\nSecond line\n\nThird line is empty"
    android = people(root / "ezvcard_John_Doe_ANDROID.vcf")
    # N and FN broken over lines by "=" soft breaks, UTF-8 inside.
    assert android[3].full_name == " ".join(["Ñ"] * 11)
    comment = only(root / "android_aosp" / "v21_invalid_comment_line.vcf")
    # "#" comment lines dropped, a continuation starting with "#" kept.
    assert comment.note == (
        "This is an (sharp ->#<- sharp) example. This message must NOT be ignored."
    )
    assert comment.external_id == "357"  # the UID


def test_photos_are_kept_inline_and_uris_ignored(realdata: Path) -> None:
    root = realdata / "vcard"
    for name in (
        "ezvcard_John_Doe_IPHONE.vcf",
        "ezvcard_John_Doe_MS_OUTLOOK.vcf",
        "ezvcard_John_Doe_BLACK_BERRY.vcf",
        "ezvcard_John_Doe_LOTUS_NOTES.vcf",
        "ezvcard_John_Doe_MAC_ADDRESS_BOOK.vcf",
        "ezvcard_outlook-2007.vcf",
        "ezvcard_thunderbird-MoreFunctionsForAddressBook-extension.vcf",
        "android_aosp/v21_base64_no_2_crlf.vcf",
        "android_aosp/v30_ios_613_multiline.vcf",
        "android_aosp/v21_complicated.vcf",
    ):
        photo = only(root / name).photo
        assert photo is not None and photo.startswith(JPEG), name
        assert len(photo) > 500, name
    for name in (
        "android_aosp/v21_blackberry_photo.vcf",
        "android_aosp/v21_x_android_custom_after_photo.vcf",
    ):
        photo = only(root / name).photo
        assert photo is not None and photo.startswith(PNG), name
    # A malformed photo costs the photo, not the person.
    malformed = only(root / "android_aosp" / "v21_malformed_photo.vcf")
    assert (malformed.full_name, malformed.photo) == ("fullname", None)
    # Photos by URL are not fetched.
    assert only(root / "ezvcard_fullcontact.vcf").photo is None
    assert only(root / "vcard_validator" / "missing_photo_param.vcf").photo is None


def test_apple_item_groups_and_escaped_urls(realdata: Path) -> None:
    root = realdata / "vcard"
    iphone = only(root / "ezvcard_John_Doe_IPHONE.vcf")
    assert iphone.emails == ["john.doe@ibm.com"]  # item1.EMAIL
    assert iphone.urls == ["https://ibm.com"]  # item5.URL, "http\://www.ibm.com"
    assert "+19052221234" in iphone.phones  # item2.TEL (assistant)
    assert (iphone.given_name, iphone.family_name) == ("John", "Doe")
    assert (iphone.company, iphone.title) == ("IBM", "Money Counter")
    gmail = only(root / "ezvcard_gmail-single.vcf")
    assert gmail.full_name == "Greg Dartmouth"
    assert gmail.urls == ["https://theprofile.com"]
    assert gmail.phones == ["+15555551111", "+15555552222"]
    # Related names (spouse) are someone else: never this person's name.
    assert "MySpouse" not in gmail.full_name
    ios = only(root / "android_aosp" / "v30_ios_613_multiline.vcf")  # \r\r\n line ends
    assert (ios.full_name, ios.emails, ios.urls) == (
        "Bob Smith",
        ["bob@smithauto.com"],
        ["https://smithauto.com"],
    )
    assert ios.company == "Smith Auto Repair"


def test_what_real_cards_say(realdata: Path) -> None:
    root = realdata / "vcard"
    rfc = people(root / "ezvcard_rfc2426-example.vcf")
    assert [p.full_name for p in rfc] == ["Frank Dawson", "Tim Howes"]
    assert rfc[0].emails == ["frank_dawson@lotus.com", "fdawson@earthlink.net"]
    assert rfc[0].phones == ["+19196769515", "+19196769564"]
    assert rfc[0].company == "Lotus Development Corporation"
    # An FN with a comma stays whole.
    assert only(root / "ezvcard_John_Doe_GMAIL.vcf").full_name == "Mr. John Richter, James Doe Sr."
    # CATEGORIES are tags; Google's "My Contacts" system group is not.
    assert only(root / "ezvcard_John_Doe_EVOLUTION.vcf").tags == ["VIP"]
    assert only(root / "vcard_validator" / "maximal.vcf").tags == [
        "Worker drones",
        "Finance, marketing and bull****ing",
    ]
    android = people(root / "ezvcard_John_Doe_ANDROID.vcf")
    assert all(p.tags == [] for p in android)
    # Cards with an email only are still someone.
    assert android[0].full_name == "john.doe@company.com"
    assert android[0].emails == ["john.doe@company.com"]
    # 2.1 "Name <address>" folded without a space.
    assert only(root / "android_aosp" / "v21_invalid_multiple_line.vcf").emails == [
        "omega@example.com"
    ]
    # A 2.1 value continued after a backslash does not cost the card.
    assert only(root / "android_aosp" / "v21_adr_multiple_line.vcf").urls == ["https://bogus.com"]
    nest = people(root / "android_aosp" / "v21_nest.vcf")
    assert sorted(p.full_name for p in nest) == ["nest1", "nest2", "parent"]
    assert only(root / "vcard_validator" / "missing_fn.vcf").full_name == "Mr John Doe"
    for name in ("line_ending_mac.vcf", "line_ending_mixed.vcf", "scrambled_case.vcf"):
        assert only(root / "vcard_validator" / name).full_name == "John Doe"
    # Multiple ORG/TITLE: the first.
    pref = only(root / "android_aosp" / "v21_pref_handling.vcf")
    assert (pref.company, pref.title) == ("Company", "Engineer")
    assert pref.emails == ["test@example.com", "test2@examination.com"]
    assert only(root / "ezvcard_issue114.vcf").external_id.startswith("8b574c60-")


def test_invalid_real_cards_are_problems_with_lines(realdata: Path) -> None:
    root = realdata / "vcard" / "vcard_validator"
    for name, reason in (
        ("missing_end.vcf", "no END:VCARD"),
        ("missing_n_value.vcf", "unreadable card"),
        ("dot_at_line_start.vcf", "unreadable card"),
        ("missing_properties.vcf", "no name"),
    ):
        (problem,) = parse(root / name)
        assert isinstance(problem, Problem)
        assert problem.where == f"{root / name}:1"
        assert reason in problem.reason


# --- synthetic files ---------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "cards.vcf", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    return path


APPLE = """BEGIN:VCARD
VERSION:3.0
N:Okafor;Ada;;;
FN:Ada Okafor
ORG:Northwind;Research
TITLE:Head of Research
item1.EMAIL;type=INTERNET;type=pref:Ada@Northwind.example
item1.X-ABLabel:_$!<Work>!$_
item2.TEL;type=CELL:+44 20 7946 0958
item2.X-ABLabel:mobile
item3.URL:https\\://www.linkedin.com/in/ada-okafor/
item3.X-ABLabel:LinkedIn
X-SOCIALPROFILE;type=twitter;x-user=adaok:http://twitter.com/adaok
item4.X-ABRELATEDNAMES:Ben Okafor
item4.X-ABLabel:_$!<Spouse>!$_
CATEGORIES:Investors,London
NOTE:Met at the climate panel\\, 2023.\\nLikes chess.
BDAY:1980-02-30
UID:5D3C-APPLE-1
END:VCARD
"""


def test_apple_card_with_item_groups(tmp_path: Path) -> None:
    records = parse(write(tmp_path, APPLE))
    (ada,) = [r for r in records if isinstance(r, PersonRecord)]
    assert isinstance(ada, PersonRecord)
    assert (ada.full_name, ada.given_name, ada.family_name) == ("Ada Okafor", "Ada", "Okafor")
    assert ada.emails == ["ada@northwind.example"]
    assert ada.phones == ["+442079460958"]
    assert ada.urls == ["https://linkedin.com/in/ada-okafor", "https://twitter.com/adaok"]
    assert (ada.company, ada.title) == ("Northwind", "Head of Research")
    assert ada.tags == ["Investors", "London"]
    assert ada.note == "Met at the climate panel, 2023.\nLikes chess."
    assert ada.external_id == "5D3C-APPLE-1"
    assert ada.source == "vcard" and ada.photo is None
    # the impossible BDAY is reported, and the card kept without it
    assert ada.dates == []
    assert [p.reason for p in records if isinstance(p, Problem)] == [
        "birthday is not a date: '1980-02-30' (there is no day 02-30; contact kept without it)"
    ]


def test_a_bad_card_is_a_problem_and_the_rest_imports(tmp_path: Path) -> None:
    text = (
        "# exported by hand\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:First Person\nEMAIL:first@example.org\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Broken\nthis line is not a property\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nN:Third;Person;;;\nTEL:not a phone\nEMAIL:nope\nEND:VCARD\n"
    )
    path = write(tmp_path, text)
    records = parse(path)
    assert [type(r).__name__ for r in records] == ["PersonRecord", "Problem", "PersonRecord"]
    first, problem, third = records
    assert first.where == f"{path}:2"
    assert problem.where == f"{path}:7" and problem.reason.startswith("unreadable card")
    # FN missing: built from N; values that do not normalise are dropped.
    assert (third.full_name, third.emails, third.phones) == ("Person Third", [], [])


def test_ids_without_uid_are_stable_hashes(tmp_path: Path) -> None:
    card = "BEGIN:VCARD\nVERSION:3.0\nFN:Sam Lee\nEMAIL:sam@example.org\nNOTE:{}\nEND:VCARD\n"
    one = parse(write(tmp_path, card.format("first note"), "a.vcf"))[0]
    two = parse(write(tmp_path, card.format("edited note"), "b.vcf"))[0]
    other = parse(write(tmp_path, card.replace("Sam Lee", "Sam Li").format(""), "c.vcf"))[0]
    assert one.external_id == two.external_id and one.external_id.startswith("hash:")
    assert other.external_id != one.external_id


def test_vcard_21_charsets_and_quoted_printable(tmp_path: Path) -> None:
    text = (
        "BEGIN:VCARD\nVERSION:2.1\n"
        "N;CHARSET=ISO-8859-1:Müller;Jürgen\n"
        "ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Caf=C3=A9 =\n"
        "Central\n"
        "TEL;WORK;VOICE:+49 30 1234567\n"
        "END:VCARD\n"
    )
    path = tmp_path / "latin.vcf"
    raw = text.replace("\n", "\r\n").encode("utf-8")
    raw = raw.replace("Müller;Jürgen".encode(), "Müller;Jürgen".encode("latin-1"))
    path.write_bytes(raw)
    (person,) = parse(path)
    assert person.full_name == "Jürgen Müller"
    assert person.company == "Café Central"
    assert person.phones == ["+49301234567"]


def test_vcard_40_data_uri_photo(tmp_path: Path) -> None:
    jpeg = JPEG + b"\xe0" + bytes(range(64))
    data = base64.b64encode(jpeg).decode()
    text = (
        "BEGIN:VCARD\nVERSION:4.0\nFN:Photo Person\n"
        f"PHOTO:data:image/jpeg;base64,{data[:40]}\n {data[40:]}\n"
        "END:VCARD\n"
    )
    (person,) = parse(write(tmp_path, text))
    assert person.photo == jpeg


def test_the_owners_own_card_is_skipped(tmp_path: Path) -> None:
    text = "BEGIN:VCARD\nVERSION:3.0\nFN:Me Myself\nEMAIL:ME@example.org\nEND:VCARD\n"
    (problem,) = parse(write(tmp_path, text), me={"me@example.org"})
    assert isinstance(problem, Problem) and "owner" in problem.reason


def test_a_file_without_cards_is_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.vcf"
    path.write_text("just some text\nEND:VCARD\n")
    with pytest.raises(ImportFileError) as caught:
        parse(path)
    assert str(caught.value) == f"{path}: not a vCard file (no BEGIN:VCARD line)"
    assert not PARSER.detect(tmp_path)  # a folder is not a vCard file


def test_detect_sniffs_content(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_text("\nBEGIN:VCARD\nFN:X\nEND:VCARD\n")
    assert PARSER.detect(path)
    other = tmp_path / "other.txt"
    other.write_text("BEGIN:VCALENDAR\nEND:VCALENDAR\n")
    assert not PARSER.detect(other)


def test_a_folded_line_after_a_trailing_backslash_is_still_a_fold(tmp_path: Path) -> None:
    text = "BEGIN:VCARD\nVERSION:3.0\nFN:Folded Person\nNOTE:ends with \\\\\n  and goes on\nEND:VCARD\n"
    (person,) = parse(write(tmp_path, text))
    assert person.note == "ends with \\ and goes on"
