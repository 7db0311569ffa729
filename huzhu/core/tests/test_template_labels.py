"""Every form control a template writes has a name a screen reader can say: a label around it,
a label pointing at it, or an aria-label. A placeholder is not one (it goes once something is
typed): the claim page's review choice, amount and reason, the reasons to return, reject,
withdraw or cancel, and the cashier's bank reference and failure reason had none. Fields that
Django forms render come with their labels and are not in the templates' text."""

from html.parser import HTMLParser
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
UNNAMED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class _Controls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.in_label = 0
        self.label_for: set[str] = set()
        self.checked = 0
        self.unnamed: list[tuple[int, str]] = []
        self._by_id: list[tuple[str, int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "label":
            self.in_label += 1
            if a.get("for"):
                self.label_for.add(str(a["for"]))
        if tag not in ("input", "select", "textarea") or a.get("type") in UNNAMED_TYPES:
            return
        self.checked += 1
        text = self.get_starttag_text() or tag
        if "aria-label" in a or "aria-labelledby" in a or self.in_label:
            return
        if a.get("id"):
            self._by_id.append((str(a["id"]), self.getpos()[0], text))
        else:
            self.unnamed.append((self.getpos()[0], text))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.in_label = max(self.in_label - 1, 0)

    def close(self) -> None:
        super().close()
        self.unnamed += [
            (line, text) for id_, line, text in self._by_id if id_ not in self.label_for
        ]


def test_every_form_control_in_a_template_has_an_accessible_name():
    checked, unnamed = 0, []
    for path in sorted(TEMPLATES.rglob("*.html")):
        controls = _Controls()
        controls.feed(path.read_text())
        controls.close()
        checked += controls.checked
        unnamed += [
            f"{path.relative_to(TEMPLATES)}:{line} {text}" for line, text in controls.unnamed
        ]
    assert checked > 30  # the templates' own controls were found and looked at
    assert unnamed == []
