"""The blind sets stay blind: frozen byte for byte, and none of their messages in the training data.

They were written by a helper who never saw data/ (tests/blind/README.md). If a check here fails,
do not update the checksum or reword the data to pass it: remove the leaked message from data/.
"""

from __future__ import annotations

import hashlib
import re
import sys

import pytest
import yaml

from tests.harness.blind_sets import warning_sign_sets
from tests.harness.paths import ROOT

BLIND = ROOT / "tests" / "blind"
FROZEN = {  # sha256 of each file as the helper's set was split on 2026-12-01
    "warning_signs_dev.yml": "475f784898e9b90d67c72771eb46c67d8427470ac0bd0b23fa58e9c8667c9f4c",
    "warning_signs_report.yml": "fb8b3ec38eb249b7b8a36547407b2f79edffd63f07ead365cd4ac29736862363",
    # written 2026-12-01, later
    "warning_signs_v2.yml": "2d06f06536fc9f5276097098ceab4a156f783267fbaa8fc8ed840c1019a2a90b",
    # issue 17, development half
    "faq_dev.yml": "d88d099afbf1074dee023742ce3be777df678ccba73ac1dfeec88b35576072fe",
    # issue 17, reporting half
    "faq_report.yml": "7d24bcce45655b46a164b8b6c34cd56cd07f22a6faca16939964a89dce769864",
    # third, the reporting set from 2026-12-01 03:50
    "warning_signs_v3.yml": "96c53fda2f985416a4956edf1e19d3cb9c8b1c00de06d4aa1ba8101e877df121",
    # fourth, development (issue 16)
    "warning_signs_v4.yml": "df5b1fca9cbb2a7867f45d39f71e5fb12223226c77f7b8024945fdf6dd79eade",
    # fifth, the reporting set from 2026-12-02 to 2026-12-03, development since
    "warning_signs_v5.yml": "8355ead439a5e120d810b03e430dfc4f37579a20b830fdb3506fa0331e2df249",
    # sixth, the reporting set on 2026-12-03 (issue 16), development since
    "warning_signs_v6.yml": "b8736156cc27670410b8e8108d0695062f009624ecef902591631b21347e4398",
    # seventh, the reporting set from 2026-12-03 13:40 (issue 16)
    "warning_signs_v7.yml": "39cefd58b1fd99f943153bee883663483928bfefc5e8af0f7b37e77aff2eae52",
    "warning_signs_v8.yml": "5eebf5f0b7f6b849e4bd1a0b09c5ba05fb5717bbcaa66e4382cad2825ff00b84",
    "warning_signs_v9.yml": "fb38aaf374b2d416533d523e118ba982bdd42a188fad9cbf6144cb5bee011417",
    # tenth, written 2026-12-04 evening: the reserve, then the reporting set from 2026-12-05 (tests/blind/README.md)
    "warning_signs_v10.yml": "8e20a185917e34ff37c1f807792f666371624bde4101ac4347efbb8d453326fb",
    # eleventh, written 2026-12-05: the reserve, then the reporting set from 2026-12-05 04:00
    "warning_signs_v11.yml": "850b4e6d4d6ef46395bb2235f16acf8933917eeeec65fb9912647b5210b8bf17",
    # twelfth, written 2026-12-05 03:15: the reserve, then the reporting set from 03:50
    "warning_signs_v12.yml": "3f223029f1ec14902d8f64b459156754f9575d6dc3979b2a00cb71b1bac07345",
    # thirteenth, written 2026-12-05 03:55: the reserve; scored once for a candidate not landed (tests/blind/README.md)
    "warning_signs_v13.yml": "91836cd3ea53ca0ee99a5c3ba1dc51ffe3215f06c8bb6fb4be24d1041c946978",
    # fourteenth, written 2026-12-05 06:50: the reserve, then the reporting set from 2026-12-05 afternoon
    "warning_signs_v14.yml": "4c18435c3345b9e862f264bf5755bc915911f1f45e39a8fd4aa52a1bd4fad4c1",
    # fifteenth, written 2026-12-05 09:40: a reporting set with v14 from that afternoon
    "warning_signs_v15.yml": "cb354da738fbebc11d6ca6b14818b971428c63c939aff18a1c1c4b3232c5d134",
    # sixteenth, written 2026-12-05 11:25: the reserve, then a reporting set with v14 and v15 from that evening
    "warning_signs_v16.yml": "501d54123ba80ad7a8bfde6fb927b3c89cdc18e1630f39bdd9caf5329b2af577",
    # seventeenth, written 2026-12-05 22:15: the reserve, a reporting set on 2026-12-06 morning, then development
    "warning_signs_v17.yml": "cca1f04a9d57cc3f4b669de1d94b1d82fc939260e816829bf25b580120a941ec",
    # eighteenth, written 2026-12-06 05:25: the reserve, then a reporting set from 2026-12-06 (weighed decision)
    "warning_signs_v18.yml": "78f0c1e8b30b3fcb2b5fe71688e47d9bc7c9fabf98b4bcd08ae2e98b568eeff3",
    # nineteenth, written 2026-12-06 08:05: the reserve, reporting from 2026-12-06 10:00, development from 2026-12-07
    "warning_signs_v19.yml": "d0efd971a6b3321dfe11167d7edc57046fbbb427cd3c853ce06b18428c4aefb8",
    # twentieth, written 2026-12-06 10:05: the reserve, then a reporting set from 14:15
    "warning_signs_v20.yml": "70c53b92f57dc67c4027ed489dd87dd3e2bc06b0f74c2c0bb4da60fe671e50b5",
    # twenty-first, written 2026-12-06 12:45: the reserve, a reporting set from 2026-12-07, development from 15:15
    "warning_signs_v21.yml": "ad8916eddb54317e3d1f798de0e25a12f5961856f0764bc9c33ff3cb57ba2480",
    # twenty-second, written 2026-12-07 12:05: the reserve, then a reporting set from 16:55
    "warning_signs_v22.yml": "083f9f72032819ec31c18b8ee134425caf9295466dc26ce9a33f6776591e5425",
    # twenty-third, written 2026-12-07 15:16: the reserve, then a reporting set from its first scoring (19:20)
    "warning_signs_v23.yml": "2ee2366dd31ae94fbd523a800da7ccac45fbe020ef1309f8432f2e42d6d46706",
    # twenty-fourth, written 2026-12-07 18:40: the reserve, unscored
    "warning_signs_v24.yml": "5965d2f6f8eb84022f8f234a7929422ddcb8876630489bb8ef9212a2dece964e",
    # issue 18, development half
    "languages_dev.yml": "8da5d49d816048babdf38c509cfff89e6620ee0a7cd75f7fddbbdb1956a14b1d",
    # issue 18, reporting half
    "languages_report.yml": "443e38079dcac88bd1f6ae8ac737a65ed003b61edd0fe12096e60be50561ab42",
    # issue 18, blind conversations
    "conversations_v1.yml": "38613fb8203c90a665b5bbb3ee89cf7aaaa95c8561aa555b15013eb8ce14eff9",
}


def normal(text: str) -> str:
    """Lower case, letters and digits only (any alphabet): a leak is still a leak with other punctuation or spacing."""
    return re.sub(r"[\W_]+", " ", text.lower().replace("’", "'")).strip()


def training_lines() -> set:
    """Every line of every YAML file under data/ (training data and the catalogue), normalised.

    Whole lines, not substrings: a short blind message ("keeps oozing blood") may well occur inside a
    longer phrasing of our own without having been copied."""
    lines = set()
    for path in sorted((ROOT / "data").rglob("*.yml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            lines.add(normal(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line.strip().lstrip("-"))))
    lines.discard("")
    return lines


def blind_messages(data: dict) -> list:
    """The messages of a blind set; for conversations, the patient turns of more than three words (a
    "sure" or "yes please" is everyone's phrase, not a copied message)."""
    turns = [
        {"text": turn["user"]}
        for conversation in data.get("conversations", [])
        for turn in conversation["turns"]
        if len(turn["user"].split()) > 3
    ]
    return data.get("reports", []) + data.get("harmless", []) + data.get("messages", []) + turns


@pytest.mark.parametrize("name", sorted(FROZEN))
def test_blind_set_is_frozen(name):
    digest = hashlib.sha256((BLIND / name).read_bytes()).hexdigest()
    assert digest == FROZEN[name], f"{name} changed: blind sets are frozen (tests/blind/README.md)"


@pytest.mark.parametrize("name", sorted(FROZEN))
def test_no_blind_message_is_in_the_training_data(name):
    data = yaml.safe_load((BLIND / name).read_text(encoding="utf-8"))
    corpus = training_lines()
    items = blind_messages(data)
    assert items, f"{name} has no messages"
    leaked = [item["text"] for item in items if normal(item["text"]) in corpus]
    assert not leaked, f"blind messages found in data/: {leaked[:5]}"


def test_every_warning_sign_set_says_what_it_serves():
    """benchmarks/safety.py scores only the registry's sets: a new set must be entered there (as the reserve
    until scored) and frozen; the loader itself refuses a reporting set without its cap."""
    registry = warning_sign_sets()
    on_disk = sorted(p.name for p in BLIND.glob("warning_signs_*.yml"))
    assert sorted(s.path.name for s in registry) == on_disk
    assert len({s.key for s in registry}) == len(registry)
    assert all(s.path.name in FROZEN for s in registry)


@pytest.mark.parametrize(
    "entry", ["{key: v9, name: Ninth set, status: reporting}", "{key: v9, name: Ninth set, status: reservd}"]
)
def test_the_registry_refuses_a_reporting_set_without_its_cap_or_a_misspelt_status(tmp_path, entry):
    registry = tmp_path / "sets.yml"
    registry.write_text(f"sets:\n  - {entry}\n", encoding="utf-8")
    with pytest.raises(ValueError):
        warning_sign_sets(registry)


def test_the_leak_check_would_see_a_copied_message(tmp_path, monkeypatch):
    """The check above is not vacuous: a blind message pasted into training data with other punctuation is found."""
    message = yaml.safe_load((BLIND / "warning_signs_report.yml").read_text(encoding="utf-8"))["reports"][0]["text"]
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "leak.yml").write_text(
        f"nlu:\n- intent: report_adverse_reaction\n  examples: |\n    - {message.upper()}!!\n", encoding="utf-8"
    )
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert normal(message) in training_lines()
