"""Document -> progress items: 工作进展表 rows from real tables or from tables dumped cell by cell."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .model import Block, BlockKind, Document, ProgressItem, ProgressStatus, TimeKind
from .rules import Rules
from .segment import parse_heading
from .timex import resolve
from .timex.dates import day_or_none as _day

SEQ = re.compile(r"^\d{1,3}$")
PAGE_GAP = 3  # blank lines in a row that mark a page break in a text dump
CATEGORY_LINE_MAX = 6  # a merged category cell dumps as a column of very short lines


@dataclass(frozen=True, slots=True)
class Cells:
    """One row's cells as text, by progress.csv field."""
    category: str = ""
    seq: str = ""
    item: str = ""
    description: str = ""
    lead_org: str = ""
    partners: str = ""
    period: str = ""
    status: str = ""
    page: int | None = None


@dataclass
class _DumpRow:
    seq: int
    page: int
    lines: list[str] = field(default_factory=list)


def extract_progress(doc: Document, rules: Rules, ref: date) -> tuple[list[ProgressItem], set[int]]:
    """Progress items and the indexes of the blocks they came from (those give no requirements).
    `ref` is the date year-less periods are read against when a table states no 截至 date."""
    items: list[ProgressItem] = []
    used: set[int] = set()
    for index, block in enumerate(doc.blocks):
        text = doc.text[block.char_start:block.char_end]
        if block.kind is BlockKind.table:
            rows = _table_rows(doc, block, rules)
        elif block.kind is BlockKind.preformatted:
            rows = _dump_rows(text, rules)
        else:
            continue
        if rows:
            as_of = _header_as_of(doc, block, rules)
            items.extend(_item(doc, cells, as_of, ref, rules) for cells in rows)
            used.add(index)
    return items, used


def is_progress_header(fields: list[str], rules: Rules) -> bool:
    """A progress report names its items and their status; a task list without a status column
    (重点任务 | 牵头单位 | 完成时限) holds obligations, which the extractor reads."""
    named = [f for f in fields if f]
    return len(named) >= rules.progress.min_columns and "item" in named and "status" in named


def columns(header: str, rules: Rules) -> list[str]:
    """The progress.csv fields a header names, in the order they stand (项目类别序号 gives two)."""
    taken: list[tuple[int, int, str]] = []
    for term in sorted(rules.progress.columns, key=lambda t: -len(t.text)):
        for m in re.finditer(re.escape(term.text), header):
            if not any(s < m.end() and m.start() < e for s, e, _ in taken):
                taken.append((m.start(), m.end(), term.value))
    return [f for _, _, f in sorted(taken)]


# --- real tables ---------------------------------------------------------------------------

def cell_texts(doc: Document, block: Block) -> dict[tuple[int, int], str]:
    """A table's cell texts by (row, col); a merged cell repeats the text of the cell it continues."""
    grid: dict[tuple[int, int], str] = {}
    for cell in block.cells:
        grid[(cell.row, cell.col)] = doc.text[cell.char_start:cell.char_end]
    for cell in block.cells:
        if cell.merged and cell.origin is not None:
            grid[(cell.row, cell.col)] = grid.get(cell.origin, "")
    return grid


def _table_rows(doc: Document, block: Block, rules: Rules) -> list[Cells]:
    grid = cell_texts(doc, block)
    pages = {c.row: c.page for c in block.cells}
    n_rows = 1 + max((c.row for c in block.cells), default=-1)
    n_cols = 1 + max((c.col for c in block.cells), default=-1)
    header = [grid.get((0, c), "") for c in range(n_cols)]
    fields = [(columns(h, rules) or [""])[0] for h in header]
    if not is_progress_header(fields, rules):
        return []
    rows = []
    category = ""
    for r in range(1, n_rows):
        line = [grid.get((r, c), "") for c in range(n_cols)]
        if n_cols > 1 and line[0] and len(set(line)) == 1:
            category = line[0]  # a row merged across the table names the category of the rows below
            continue
        values = {f: grid.get((r, c), "") for c, f in enumerate(fields) if f}
        if values.get("item") and values.get("item") != header[fields.index("item")]:
            rows.append(Cells(category=values.get("category", "") or category, seq=values.get("seq", ""),
                              item=values["item"], description=values.get("description", ""),
                              lead_org=values.get("lead_org", ""), partners=values.get("partner_orgs", ""),
                              period=values.get("period", ""), status=values.get("status", ""),
                              page=pages.get(r, block.page)))
    return rows


def _header_as_of(doc: Document, block: Block, rules: Rules) -> date | None:
    m = rules.patterns.regexes.as_of.search(doc.text[block.char_start:block.char_end])
    return _first_date(m.group("value")) if m else None


# --- tables dumped cell by cell ---------------------------------------------------------------

def _dump_rows(text: str, rules: Rules) -> list[Cells]:
    lines = text.split("\n")
    header = next((i for i, line in enumerate(lines) if is_progress_header(columns(line, rules), rules)), None)
    if header is None:
        return []
    rows, labels = _split_dump(lines[header + 1:], rules)
    categories = _assign_categories(rows, labels)
    return [_dump_cells(row, categories.get(row.seq, ""), rules) for row in rows]


def _split_dump(lines: list[str], rules: Rules) -> tuple[list[_DumpRow], list[tuple[int, str]]]:
    """Rows (numbered 1, 2, 3… on lines of their own) and the category labels between them,
    each label with the page it is printed on."""
    rows: list[_DumpRow] = []
    labels: list[tuple[int, str]] = []
    page, blanks, in_label = 1, 0, False
    for line in lines:
        text = line.strip()
        if not text:
            blanks += 1
            if rows and not in_label:
                rows[-1].lines.append("")
            continue
        if blanks >= PAGE_GAP:
            page += 1
        standalone, blanks = blanks > 0, 0
        if SEQ.match(text) and int(text) == len(rows) + 1:
            rows.append(_DumpRow(int(text), page))
            in_label = False
        elif _starts_category(text, rules):
            labels.append((page, text))
            in_label = True
        elif in_label and len(text) <= CATEGORY_LINE_MAX:
            labels[-1] = (labels[-1][0], labels[-1][1] + text)
        elif rows and not in_label and not (standalone and _is_title(text, rules)):
            rows[-1].lines.append(line)
    return rows, labels


def _starts_category(text: str, rules: Rules) -> bool:
    heading = parse_heading(text, rules)
    return heading is not None and heading.level == 1 and len(text) <= CATEGORY_LINE_MAX


def _is_title(text: str, rules: Rules) -> bool:
    r = rules.patterns.regexes
    return bool(r.title.search(text)) and not r.terminal_punct.search(text)


def _assign_categories(rows: list[_DumpRow], labels: list[tuple[int, str]]) -> dict[int, str]:
    """Labels printed on a page belong to that page's rows, in order; a new label takes the rows
    at the bottom of the page that read more like it than like the label above it."""
    assigned: dict[int, str] = {}
    current = ""
    for page in sorted({r.page for r in rows}):
        page_rows = [r for r in rows if r.page == page]
        names = list(dict.fromkeys(text for p, text in labels if p == page))
        if names:
            continuing = names[0] == current
            current, start = names[0], 0
            for following in names[1:]:
                stay = _split(page_rows[start:], current, following, must_keep=start == 0 and not continuing)
                assigned.update((r.seq, current) for r in page_rows[start:start + stay])
                start += stay
                current = following
            page_rows = page_rows[start:]
        assigned.update((r.seq, current) for r in page_rows)
    return assigned


def _split(rows: list[_DumpRow], upper: str, lower: str, must_keep: bool) -> int:
    """How many rows stay with `upper`: the cut where the rows below read most like `lower`."""
    diffs = [_likeness(r, lower) - _likeness(r, upper) for r in rows]
    best, best_score = len(rows), 0.0
    for k in range(len(rows) - 1, 0 if must_keep else -1, -1):
        score = sum(diffs[k:]) / (len(rows) - k)
        if score > best_score:
            best, best_score = k, score
    return best


def _likeness(row: _DumpRow, label: str) -> int:
    """Shared character pairs between a label and a row's item and description."""
    words = re.sub(r"^[^、]*、|[\W\d]", "", label)
    pairs = {words[i:i + 2] for i in range(len(words) - 1)}
    body = "".join(line for chunk in _chunks(row.lines)[:2] for line in chunk)
    return sum(1 for p in pairs if p in body)


def _chunks(lines: list[str]) -> list[list[str]]:
    """Runs of non-blank lines (a cell's lines, in a dump)."""
    out: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def _dump_cells(row: _DumpRow, category: str, rules: Rules) -> Cells:
    chunks = _chunks(row.lines)
    item = "".join(chunks[0]) if chunks else ""
    description = "".join(chunks[1]) if len(chunks) > 1 else ""
    rest = chunks[2:]
    if not rest:
        return Cells(category=category, seq=str(row.seq), item=item, description=description, page=row.page)
    lead, remainder = _lead(rest[0][0], rules)
    pieces = ([(remainder, False)] if remainder else []) + [(line, False) for line in rest[0][1:]]
    for chunk in rest[1:]:
        pieces += [(line, n == 0) for n, line in enumerate(chunk)]
    partners, period, status = _sort_pieces(pieces, rules)
    return Cells(category=category, seq=str(row.seq), item=item, description=description, lead_org=lead,
                 partners=partners, period=period, status=status, page=row.page)


def _lead(line: str, rules: Rules) -> tuple[str, str]:
    """The lead unit at the start of a line, and what follows it (a period, a status)."""
    cut = len(line)
    values = [v for v in resolve(line, date(2000, 1, 1)) if v.char_start > 0]
    if values:
        cut = values[0].char_start
    status = _status_word(line, rules)
    if status is not None:
        cut = min(cut, status)
    return line[:cut], line[cut:]


def _sort_pieces(pieces: list[tuple[str, bool]], rules: Rules) -> tuple[str, str, str]:
    """Lines after the lead unit: partner units, then the period, then the status cell."""
    partners: list[str] = []
    period: list[str] = []
    status: list[str] = []
    mode = "partners"
    for text, new_chunk in pieces:
        at = _status_at(text, rules) if mode != "status" else None
        if at is not None:
            if at:  # the period stands on the status line, before it
                period.append(text[:at])
            mode, text = "status", text[at:]
        if mode == "status":
            status.append(text)
        elif mode == "partners" and not new_chunk and not resolve(text, date(2000, 1, 1)):
            partners.append(text)
        else:
            mode = "period"
            period.append(text)
    return "".join(partners), "".join(period), "".join(status)


def _status_word(text: str, rules: Rules) -> int | None:
    """Where the first status word of the first clause stands, or None."""
    first = re.split(r"[。,;]", text, maxsplit=1)[0]
    hits = [first.find(t.text) for t in rules.statuses.entries if t.text in first]
    return min(hits) if hits else None


def _status_at(text: str, rules: Rules) -> int | None:
    """Where a status cell starts in `text`: the line's start, or after a period written before it."""
    word = _status_word(text, rules)
    if word is None:
        return None
    values = [v for v in resolve(text[:word], date(2000, 1, 1)) if v.char_start == 0]
    return values[0].char_end if values and values[0].char_end == word else 0


# --- items ---------------------------------------------------------------------------------

def _item(doc: Document, cells: Cells, as_of: date | None, ref: date, rules: Rules) -> ProgressItem:
    start, end = _period(cells.period, as_of or ref)
    separators = "|".join(re.escape(s) for s in rules.progress.list_separators)
    partners = tuple(p.strip() for p in re.split(separators, cells.partners) if p.strip())
    return ProgressItem(doc_id=doc.doc_id, source=doc.source, as_of=as_of, category=cells.category,
                        seq=int(cells.seq) if cells.seq.isdigit() else None, item=cells.item,
                        description=cells.description, lead_org=cells.lead_org, partner_orgs=partners,
                        period_text=cells.period, period_start=start, period_end=end,
                        status=_status(cells.status, rules), status_text=cells.status,
                        page=cells.page if doc.pages else None)


def _period(text: str, ref: date) -> tuple[date | None, date | None]:
    """A period cell as first and last day; a single day (2024年12月底) is when it is due."""
    for value in resolve(text, ref):
        if value.kind is TimeKind.range:
            return _day(value.start), _day(value.end)
        if value.kind in (TimeKind.date, TimeKind.datetime, TimeKind.deadline):
            return None, _day(value.end)
        if value.kind is TimeKind.recurrence:
            break
    return None, None


def _status(text: str, rules: Rules) -> ProgressStatus | None:
    first = re.split(r"[。,;]", text, maxsplit=1)[0]
    for term in rules.statuses.entries:
        if term.text in first:
            return ProgressStatus(term.value)
    return None


def _first_date(text: str) -> date | None:
    values = resolve(text, date(2000, 1, 1))
    return _day(values[0].start) if values else None
