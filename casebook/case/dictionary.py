"""The data dictionary (``data/README.md``), written from the schema so the two never drift."""

from __future__ import annotations

import textwrap

from . import schema
from .rules import RULES

COMMON = """\
## Rules every file follows

- UTF-8 CSV with a header row; one fact per row; commas separate cells, double quotes
  wrap cells that contain commas or quotes.
- Identifiers are ASCII (`a-z`, digits, `-`; interviewees `A`–`Z`): a letter from
  another script that looks Latin (Cyrillic `А`, Greek `Ο` …) is rejected there, because
  it breaks links while looking right.
- Text may be written in any script: a quote in Russian, or a Greek word in an English
  sentence, is welcome. A single *word* that mixes scripts (`rhеtoric` with a Cyrillic
  `е`) is rejected, as Unicode's mixed-script rule (UTS #39) advises; scripts that are
  written together (Japanese kanji and kana, Korean hangul and hanja) may share a word.
- No spaces at the start or end of a cell, no control characters. Invisible format
  characters (bidirectional overrides and isolates, zero-width spaces …) are rejected in
  identifiers and labels; longer text keeps only the joiners and direction marks that
  Persian, Indic and right-to-left writing need. An empty cell means "no value" and is
  allowed only where the column is marked optional below.
- Columns that point at another file (→) must hold an id that exists there.
- Check a folder with `python -m casebook check DATA_DIR` (or `make check CASE=DATA_DIR`):
  every problem is printed as `file:row:column: what is wrong and what is allowed`,
  where row is the line number as a text editor shows it (the header is row 1).
- `datapackage.json` describes the files as a [Frictionless data
  package](https://specs.frictionlessdata.io/data-package/); its table schemas must
  equal the ones the package ships (`{shipped}`).

## Files
"""

GENERIC = """\
These files hold a coded case in the layout of the `casebook` package. Tables 1–3,
Figure 1 and every count of the book made from them (`make book CASE=<this folder>`)
are computed from these files; change a row and the rebuilt book changes with it.
Nothing in the build ever writes to this folder.

"""


def _links(resource: schema.Resource) -> dict[str, str]:
    return {fk.field: schema.resource(fk.resource).path for fk in resource.foreign_keys}


def _allowed(field: schema.Field) -> str:
    parts = []
    if field.enum:
        parts.append("one of " + ", ".join(f"`{v}`" for v in field.enum))
    elif field.type in ("integer", "year"):
        parts.append("a year" if field.type == "year" else "a whole number")
        if field.minimum is not None:
            parts.append(f"at least {field.minimum}")
    if field.unique:
        parts.append("unique")
    return "; ".join(parts)


def rules_across_files() -> str:
    """The rules that span files, one bullet each, from the registry that checks them."""
    bullets = ("\n".join(textwrap.wrap(r.description, 88, initial_indent="- ", subsequent_indent="  ")) for r in RULES)
    return "## Rules across files\n\n" + "\n".join(bullets) + "\n"


def markdown(title: str, description: str = "") -> str:
    """The whole data dictionary of a case folder as Markdown (its ``README.md``): the
    case's title and description (from its ``datapackage.json``), then every file and
    column, then the rules across files."""
    about_ = "\n".join(textwrap.wrap(description, 88)) + "\n\n" if description else ""
    out = [f"# Data dictionary: {title}\n\n{about_}{GENERIC}{COMMON.format(shipped=schema.SHIPPED)}"]
    for res in schema.all_resources():
        links = _links(res)
        out.append(f"### `{res.path}` — {res.title}\n\n{res.description}\n")
        key = ", ".join(f"`{k}`" for k in res.primary_key)
        if key:
            out.append(f"Key: {key}.\n")
        out.append("| column | required | values | meaning |\n|---|---|---|---|")
        for f in res.fields:
            allowed = _allowed(f)
            if f.name in links:
                allowed = "; ".join(p for p in (f"→ `{links[f.name]}`", allowed) if p)
            required = "yes" if f.required else "optional"
            out.append(f"| `{f.name}` | {required} | {allowed} | {f.description} |")
        out.append("")
    out.append(rules_across_files())
    return "\n".join(out)
