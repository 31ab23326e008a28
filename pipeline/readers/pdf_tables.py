"""Ruling lines of a PDF page -> TablePart: the grid pdfplumber's table finder sees (lines strategy), filled
with the page's characters; parts that run over a page break stitched into one table block."""
from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, replace
from statistics import median
from typing import Any

from ..model import BlockKind, RawBlock
from .pdf_lines import MARKER, ends_early, find_lines, join_lines
from .pdf_pages import Char, Edge

SNAP = 3.0  # points; pdfplumber's default snap, join and intersection tolerances
COLUMN_TOLERANCE = 3.0  # points two column boundaries may differ and still be the same column
MIN_EDGES = 2  # horizontal and vertical lines a page needs before the table finder runs
Slot = tuple[int, int]


@dataclass(frozen=True, slots=True)
class TablePart:
    """A table as found on one page (or several stitched); `origin[r][c]` is the slot whose cell covers
    (r, c)."""
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    columns: tuple[float, ...]  # x of each column boundary, left to right
    texts: tuple[tuple[str, ...], ...]  # each cell's text at its origin slot; "" at slots it covers
    origin: tuple[tuple[Slot, ...], ...]
    row_pages: tuple[int, ...]
    size: float  # font size of most of its text


@dataclass(frozen=True, slots=True)
class Grid:
    """The cells of one table on a page: column and row boundaries, and the origin slot of every slot."""
    columns: tuple[float, ...]
    rows: tuple[float, ...]
    origin: dict[Slot, Slot]

    def holds(self, char: Char) -> bool:
        x, y = (char.x0 + char.x1) / 2, (char.top + char.bottom) / 2
        return self.columns[0] <= x < self.columns[-1] and self.rows[0] <= y < self.rows[-1]


def has_rulings(edges: tuple[Edge, ...]) -> bool:
    """Cheap test before the table finder: at least two horizontal and two vertical lines."""
    vertical = sum(1 for e in edges if e.vertical)
    return vertical >= MIN_EDGES and len(edges) - vertical >= MIN_EDGES


def find_tables(edges: tuple[Edge, ...], chars: tuple[Char, ...], page: int
                ) -> tuple[list[TablePart], list[Grid], list[tuple[Char, ...]], list[Char]]:
    """The page's tables that hold text in two columns or more (a frame around a paragraph is no table),
    their grids and the characters in each, and the characters outside them."""
    grids = [g for g in _cell_groups(edges) if len(g.columns) > 2]
    inside: list[list[Char]] = [[] for _ in grids]
    outside: list[Char] = []
    for char in chars:
        for n, grid in enumerate(grids):
            if grid.holds(char):
                inside[n].append(char)
                break
        else:
            outside.append(char)
    parts: list[TablePart] = []
    kept: list[Grid] = []
    boxed: list[tuple[Char, ...]] = []
    for grid, own in zip(grids, inside):
        part = fill_table(grid, tuple(own), page)
        if part is None:
            outside.extend(own)
        else:
            parts.append(part)
            kept.append(grid)
            boxed.append(tuple(own))
    return parts, kept, boxed, outside


def _cell_groups(edges: tuple[Edge, ...]) -> list[Grid]:
    """pdfplumber's lines strategy on our own edges: merge, intersect, find cells, group cells into tables."""
    from pdfplumber import table as finder  # imported only for pages with ruling lines (import costs 0.1 s)

    merged = finder.merge_edges([_as_dict(e) for e in edges], SNAP, SNAP, SNAP, SNAP)
    merged = [e for e in merged if e["width" if e["orientation"] == "h" else "height"] >= SNAP]
    cells = finder.intersections_to_cells(finder.edges_to_intersections(merged, SNAP, SNAP))
    return [_grid(group) for group in finder.cells_to_tables(cells)]


def _as_dict(edge: Edge) -> dict[str, Any]:
    return {"x0": edge.x0, "x1": edge.x1, "top": edge.top, "bottom": edge.bottom, "doctop": edge.top,
            "width": edge.x1 - edge.x0, "height": edge.bottom - edge.top,
            "orientation": "v" if edge.vertical else "h", "object_type": "line"}


def _grid(cells: list[tuple[float, float, float, float]]) -> Grid:
    columns = sorted({c[0] for c in cells} | {max(c[2] for c in cells)})
    rows = sorted({c[1] for c in cells} | {max(c[3] for c in cells)})
    origin: dict[Slot, Slot] = {}
    for x0, top, x1, bottom in cells:
        r0, c0 = rows.index(top), columns.index(x0)
        r1, c1 = _boundary(rows, bottom), _boundary(columns, x1)
        for r in range(r0, max(r1, r0 + 1)):
            for c in range(c0, max(c1, c0 + 1)):
                origin.setdefault((r, c), (r0, c0))
    return Grid(tuple(columns), tuple(rows), origin)


def _boundary(bounds: list[float], value: float) -> int:
    return min(range(len(bounds)), key=lambda i: abs(bounds[i] - value))


def fill_table(grid: Grid, chars: tuple[Char, ...], page: int) -> TablePart | None:
    """The grid with each cell's text, rows without any text left out (a frame or a bar printed over the
    table adds such); None when fewer than two columns hold text (a frame around a paragraph)."""
    n_rows, n_cols = len(grid.rows) - 1, len(grid.columns) - 1
    own: dict[Slot, list[Char]] = {}
    for char in chars:
        r = bisect.bisect_right(grid.rows, (char.top + char.bottom) / 2) - 1
        c = bisect.bisect_right(grid.columns, (char.x0 + char.x1) / 2) - 1
        own.setdefault(grid.origin.get((r, c), (r, c)), []).append(char)
    texts = {slot: cell_text(cell, page) for slot, cell in own.items()}
    if len({c for (_, c), text in texts.items() if text}) < 2:
        return None
    rows = [r for r in range(n_rows) if any(texts.get((r, c)) for c in range(n_cols))]
    row_at = {r: n for n, r in enumerate(rows)}

    def place(r: int, c: int) -> Slot:
        r0, c0 = grid.origin.get((r, c), (r, c))
        return (row_at[r0], c0) if r0 in row_at else (row_at[r], c)

    return TablePart(page, grid.columns[0], grid.rows[rows[0]], grid.columns[-1], grid.rows[rows[-1] + 1],
                     grid.columns, tuple(tuple(texts.get((r, c), "") for c in range(n_cols)) for r in rows),
                     tuple(tuple(place(r, c) for c in range(n_cols)) for r in rows), (page,) * len(rows),
                     median(c.size for c in chars))


def cell_text(chars: list[Char], page: int) -> str:
    """A cell's lines joined where they wrap; its own paragraphs separated by newlines. Cells are often
    centred, so a paragraph ends at a line narrower than the widest by more than the next line's first
    word, or before a list marker."""
    lines = find_lines(chars, page)
    if not lines:
        return ""
    widest = max(line.x1 - line.x0 for line in lines)
    paragraphs = [lines[0].text]
    for previous, line in itertools.pairwise(lines):
        if ends_early(previous, line, widest - (previous.x1 - previous.x0)) or MARKER.match(line.text):
            paragraphs.append(line.text)
        else:
            paragraphs[-1] = join_lines(paragraphs[-1], line.text)
    return "\n".join(paragraphs)


def continues(previous: TablePart, part: TablePart) -> bool:
    """Whether `part`, first on its page, carries on `previous`, last on the page before: same columns."""
    if part.page != previous.row_pages[-1] + 1 or len(part.columns) != len(previous.columns):
        return False
    return all(abs(a - b) <= COLUMN_TOLERANCE for a, b in zip(part.columns, previous.columns))


def stitch(previous: TablePart, part: TablePart) -> TablePart:
    """One table from a table and its continuation: the repeated header row dropped, merged cells that run
    over the page break continued, and a row split by the break made one row again."""
    part = _drop_repeated_header(previous, part)
    last = len(previous.texts) - 1
    continued = _continued_columns(previous, part)
    split = _is_split_row(part, continued)
    offset = last if split else last + 1

    def place(slot: Slot) -> Slot:
        r, c = slot
        if r == 0 and (split or c in continued):
            return previous.origin[last][c]
        return r + offset, c

    texts = [list(row) for row in previous.texts]
    for c, tail in _tails(previous, part).items():  # the rest of a merged cell's text, printed below the break
        r0, c0 = previous.origin[last][c]
        texts[r0][c0] = join_lines(texts[r0][c0], tail)
        continued.add(c)
    if split:
        for c, text in enumerate(part.texts[0]):
            r0, c0 = previous.origin[last][c]
            if text and part.origin[0][c] == (0, c):
                texts[r0][c0] = join_lines(texts[r0][c0], text)
    start = 1 if split else 0
    texts.extend(list(row) for row in part.texts[start:])
    origin = previous.origin + tuple(tuple(place(slot) for slot in row) for row in part.origin[start:])
    return replace(previous, bottom=part.bottom, texts=tuple(tuple(r) for r in texts), origin=origin,
                   row_pages=previous.row_pages + part.row_pages[start:])


def _drop_repeated_header(previous: TablePart, part: TablePart) -> TablePart:
    repeated = 0
    while (repeated < min(3, len(part.texts) - 1, len(previous.texts))
           and any(part.texts[repeated]) and _filled_row(part, repeated) == _filled_row(previous, repeated)):
        repeated += 1
    if not repeated:
        return part
    origin = tuple(tuple((o[0] - repeated, o[1]) if o[0] >= repeated else (r, c) for c, o in enumerate(row))
                   for r, row in enumerate(part.origin[repeated:]))
    return replace(part, texts=part.texts[repeated:], origin=origin, row_pages=part.row_pages[repeated:])


def _filled_row(part: TablePart, r: int) -> tuple[str, ...]:
    return tuple(part.texts[o[0]][o[1]].replace(" ", "") for o in part.origin[r])


def _continued_columns(previous: TablePart, part: TablePart) -> set[int]:
    """Columns whose empty cell at the top of the continuation is the rest of a merged cell above the page
    break: the previous part merges cells vertically in that column, or the empty cell itself spans rows."""
    merging = {c for r, row in enumerate(previous.origin) for c, o in enumerate(row) if o[0] != r}
    last = len(previous.texts) - 1
    out = set()
    for c, text in enumerate(part.texts[0]):
        spans = len(part.origin) > 1 and part.origin[1][c] == (0, c)
        r0, c0 = previous.origin[last][c]
        if not text and part.origin[0][c] == (0, c) and (c in merging or spans) and previous.texts[r0][c0]:
            out.add(c)
    return out


def _tails(previous: TablePart, part: TablePart) -> dict[int, str]:
    """Columns whose top cell on the new page holds the rest of a merged cell above the break: the cell
    spans rows here too, its text is not a new label (a new label starts with a list marker such as 五、),
    and above the break the same merged run reaches the page's last row or starts with a marker itself
    (四、突出政治标准，抓 | 好干部教育培训)."""
    last = len(previous.texts) - 1
    out = {}
    for c, text in enumerate(part.texts[0]):
        r0, c0 = previous.origin[last][c]
        above = previous.texts[r0][c0]
        reaching = r0 != last or bool(MARKER.match(above))
        spans = len(part.origin) > 1 and part.origin[1][c] == (0, c)
        if text and above and reaching and spans and part.origin[0][c] == (0, c) and not MARKER.match(text):
            out[c] = text
    return out


def _is_split_row(part: TablePart, continued: set[int]) -> bool:
    """The first row of a continuation is the rest of a row cut by the page break when at least half of
    its own cells are empty (a new row fills its number, item and unit cells)."""
    own = [text for c, text in enumerate(part.texts[0]) if part.origin[0][c] == (0, c) and c not in continued]
    return bool(own) and any(own) and sum(1 for text in own if not text) * 2 >= len(own)


def to_block(part: TablePart) -> RawBlock:
    """The table block: a covered slot takes the text of the cell covering it and is marked merged.
    Columns where no cell has text of its own (a bar printed over the table adds such) are left out."""
    keep = [c for c in range(len(part.columns) - 1)
            if any(part.texts[r][c] and part.origin[r][c] == (r, c) for r in range(len(part.texts)))]
    rows, merged = [], []
    for r, row in enumerate(part.origin):
        slots = [row[c] if row[c][1] in keep else (r, c) for c in keep]
        rows.append(tuple(part.texts[o[0]][o[1]] for o in slots))
        merged.append(tuple(o != (r, c) for o, c in zip(slots, keep)))
    return RawBlock(BlockKind.table, rows=tuple(rows), merged=tuple(merged), page=part.page,
                    row_pages=part.row_pages)
