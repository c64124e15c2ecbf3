"""The matcher: books against portal, pass by pass, globally (R-REC-5 … R-REC-14, R-REC-21).

Candidates come only from hash keys (R-REC-21): (recipient, kind, supplier, normalised
number) — for a bill of entry the port code stands for the supplier (R-REC-5) —, the same
with the supplier's PAN, the same without the recipient (R-REC-14), and (recipient, kind,
supplier, amount bucket). Nothing compares every books document with every portal one; the
similar-number search (R-REC-7) runs inside one supplier's leftovers.

The passes run in R-REC-9's order; clubbing (R-REC-11) runs after pass 4, before pass 5:

    1 exact                  number, date, every amount within ₹0.01   matched / matched_number_format
    2 number and date        amounts within tolerance                  matched_within_tolerance
    3 number, date differs   amounts within tolerance                  matched_date_differs
    4 similar number         amounts within tolerance, dates in window probable_similar_number
      clubbing               one document against several              matched_clubbed
    5 number, amounts differ                                           value_mismatch / tax_type_mismatch
                                                                       / financial_year_differs
      other recipient        the same document reported to another GSTIN of the run (R-REC-14)
    6 PAN level              another GSTIN of the supplier's PAN       other_gstin_same_pan
    7 amount only            same supplier, unique both ways           probable_amount_only

Inside a pass the assignment is global (R-REC-10): every candidate pair is ranked by its
total difference and then its date gap, and pairs are taken best rank first; where two pairs
of one rank share a document, their documents form one `ambiguous` result and pair with
nothing. The answer never depends on the order of the input.

Example: books INV-5 of ₹20,000 against portal INV-5 and INV-6 of ₹10,000 each, same
supplier and date, is one `matched_clubbed` result (R-REC-11), not a value mismatch and a
document only in the portal.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from itertools import combinations, groupby

from gstims.domain.calendar import financial_year_of
from gstims.domain.money import PAISA, ZERO
from gstims.domain.reconcile.model import (
    DEFAULT_TOLERANCE,
    MATCHED_OUTCOMES,
    Candidate,
    Difference,
    Document,
    Outcome,
    Pass,
    Result,
    Tolerance,
)
from gstims.domain.reconcile.numbers import are_similar, normalise
from gstims.domain.reconcile.volume import cycle_collector_paused
from gstims.domain.records import Kind

Key = tuple[Hashable, ...]
AMOUNT_FIELDS = ("taxable", "igst", "cgst", "sgst", "cess")
CLUB_POOL = 8  # the most documents of one supplier and day that clubbing searches (decision)
NEAREST = 3  # candidates listed on an unpaired document (R-REC-17)
ONLY_IN_BOOKS = "no portal document pairs with it: ITC at risk, ask the supplier to report it"
ONLY_IN_PORTAL = "no books document pairs with it: not in the purchase register"


def _amounts(d: Document) -> tuple[Decimal, Decimal, Decimal, Decimal, Decimal]:
    return (d.taxable, d.tax.igst, d.tax.cgst, d.tax.sgst, d.tax.cess)


@lru_cache(maxsize=4096)  # a lakh of documents fall on a few hundred days
def shown(day: date) -> str:
    return f"{day:%d-%m-%Y}"


# An e-commerce operator's document is booked as an invoice **(decision)**.
# Keys hold the kind's text: an enum member hashes in Python, a str in C.
_MATCH_KIND = {kind: kind.value for kind in Kind} | {Kind.ECO: Kind.INV.value}
_BOE = Kind.BOE


def _match_kind(kind: Kind) -> str:
    return _MATCH_KIND[kind]


@dataclass(frozen=True, slots=True)
class Comparison:
    """Two documents field by field; deltas are portal − books."""

    differences: tuple[Difference, ...]
    exact: bool  # every amount within ₹0.01
    within: bool  # every amount within tolerance
    tax_type: bool  # heads differ while taxable value and total tax agree (R-REC-8)
    attributes_differ: bool  # place of supply or reverse charge differ
    gap: int  # days, portal − books
    distance: Decimal  # Σ |Δ| over taxable value and heads

    @property
    def rank(self) -> tuple[Decimal, int]:
        return (self.distance, abs(self.gap))


IDENTICAL = Comparison((), True, True, False, False, 0, ZERO)


def compare(books: Document, portal: Document, tolerance: Tolerance) -> Comparison:
    """Every differing field of a pair, with the tolerance applied to it (R-REC-8, R-REC-17)."""
    diffs: list[Difference] = []
    exact = within = True
    distance = ZERO
    b_amounts, p_amounts = _amounts(books), _amounts(portal)
    if (
        b_amounts == p_amounts
        and books.doc_date == portal.match_date
        and books.number == portal.number
        and (books.value, books.pos, books.reverse_charge)
        == (portal.value, portal.pos, portal.reverse_charge)
    ):
        return IDENTICAL  # the common case of a lakh, without building anything
    for name, b, p in zip(AMOUNT_FIELDS, b_amounts, p_amounts, strict=True):
        if b == p:
            continue
        delta = p - b
        distance += abs(delta)
        exact = exact and abs(delta) <= PAISA
        within = within and tolerance.allows(b, p)
        diffs.append(Difference(name, str(b), str(p), delta, tolerance.amount))
    if books.value is not None and portal.value is not None and books.value != portal.value:
        diffs.append(
            Difference(
                "value", str(books.value), str(portal.value), portal.value - books.value, None
            )
        )
    gap = (portal.match_date - books.doc_date).days
    if gap:
        window = Decimal(tolerance.window(books.kind))
        diffs.append(
            Difference("date", shown(books.doc_date), shown(portal.doc_date), Decimal(gap), window)
        )
    if books.number.strip().upper() != portal.number.strip().upper():
        diffs.append(Difference("number", books.number, portal.number))
    attributes_differ = False
    for name, b_attr, p_attr in (
        ("pos", books.pos, portal.pos),
        ("reverse_charge", books.reverse_charge, portal.reverse_charge),
    ):
        if b_attr is not None and p_attr is not None and b_attr != p_attr:
            attributes_differ = True
            diffs.append(Difference(name, str(b_attr), str(p_attr)))
    tax_type = (
        not within
        and tolerance.allows(books.taxable, portal.taxable)
        and tolerance.allows(books.tax.total, portal.tax.total)
    )
    return Comparison(tuple(diffs), exact, within, tax_type, attributes_differ, gap, distance)


def _by_number(books: Document, portal: Document, c: Comparison) -> tuple[Pass, Outcome]:
    """Which pass a pair sharing its normalised number belongs to, and its outcome."""
    if financial_year_of(books.doc_date) != financial_year_of(portal.match_date):
        return Pass.NUMBER_VALUE, Outcome.FINANCIAL_YEAR_DIFFERS
    if c.within and not c.attributes_differ:
        if c.gap:
            return Pass.NUMBER, Outcome.MATCHED_DATE_DIFFERS
        if not c.exact:
            return Pass.NUMBER_AND_DATE, Outcome.MATCHED_WITHIN_TOLERANCE
        if any(d.field == "number" for d in c.differences):
            return Pass.EXACT, Outcome.MATCHED_NUMBER_FORMAT
        return Pass.EXACT, Outcome.MATCHED
    if c.tax_type or c.within:
        return Pass.NUMBER_VALUE, Outcome.TAX_TYPE_MISMATCH
    return Pass.NUMBER_VALUE, Outcome.VALUE_MISMATCH


@dataclass(frozen=True, slots=True)
class _Pair:
    rank: tuple[Decimal, int]
    i: int  # books index
    j: int  # portal index
    outcome: Outcome
    comparison: Comparison


class _Run:
    """One reconciliation in progress: the two sides, what is still free, what is decided."""

    def __init__(
        self,
        books: Sequence[Document],
        portal: Sequence[Document],
        tolerance: Tolerance,
        run_end: date | None,
    ) -> None:
        self.books, self.portal, self.tolerance, self.run_end = books, portal, tolerance, run_end
        self.b_number = [normalise(d.number, d.doc_date) for d in books]
        self.p_number = [normalise(d.match_number, d.match_date) for d in portal]
        self.b_key = [self.number_key(d, n) for d, n in zip(books, self.b_number, strict=True)]
        self.p_key = [self.number_key(d, n) for d, n in zip(portal, self.p_number, strict=True)]
        self.free_b = set(range(len(books)))
        self.free_p = set(range(len(portal)))
        self.results: list[Result] = []
        self.apart: frozenset[tuple[str, str]] = frozenset()
        self.b_result: dict[int, Result] = {}
        self.p_result: dict[int, Result] = {}

    # -- manual work (R-REC-18) ----------------------------------------------------------------

    def kept_apart(self, p: _Pair) -> bool:
        return bool(self.apart) and (self.books[p.i].ref, self.portal[p.j].ref) in self.apart

    def manual_pairs(self, manual: Manual) -> None:
        """A pair made by hand is taken first, whatever the passes would say."""
        b_at = {d.ref: i for i, d in enumerate(self.books)}
        p_at = {d.ref: j for j, d in enumerate(self.portal)}
        for books_ref, portal_ref in sorted(manual.pairs):
            i, j = b_at.get(books_ref), p_at.get(portal_ref)
            if i is None or j is None or i not in self.free_b or j not in self.free_p:
                continue  # a document no longer in the run, or already paired by hand
            b, p = self.books[i], self.portal[j]
            c = compare(b, p, self.tolerance)
            outcome = _by_hand(c)
            reason = f"paired by hand; {_fields(_Pair(c.rank, i, j, outcome, c))}"
            self.record(Result(outcome, Pass.MANUAL, (b,), (p,), reason, c.differences), (i,), (j,))

    # -- keys (R-REC-5, R-REC-21) ---------------------------------------------------------

    @staticmethod
    def party(d: Document) -> str:
        """The supplier, or for a bill of entry without one its port code (R-REC-5)."""
        return d.supplier if d.supplier or d.kind is not _BOE else f"port:{d.port_code or ''}"

    def number_key(self, d: Document, number: str) -> Key:
        return (d.recipient, _match_kind(d.kind), self.party(d), number)

    def pan_key(self, d: Document, number: str) -> Key:
        return (d.recipient, _match_kind(d.kind), d.pan, number)

    def other_recipient_key(self, d: Document, number: str) -> Key:
        return (_match_kind(d.kind), self.party(d), number)

    def supplier_key(self, d: Document) -> Key:
        return (d.recipient, _match_kind(d.kind), self.party(d))

    def portal_index(self, key: Callable[[int], Hashable]) -> dict[Hashable, list[int]]:
        index: dict[Hashable, list[int]] = defaultdict(list)
        for j in sorted(self.free_p):
            index[key(j)].append(j)
        return index

    # -- recording ------------------------------------------------------------------------

    def record(self, result: Result, bs: Iterable[int], ps: Iterable[int]) -> None:
        self.results.append(result)
        for i in bs:
            self.free_b.discard(i)
            self.b_result[i] = result
        for j in ps:
            self.free_p.discard(j)
            self.p_result[j] = result

    def pair(self, pass_: Pass, p: _Pair, reason: str) -> None:
        result = Result(
            p.outcome,
            pass_,
            (self.books[p.i],),
            (self.portal[p.j],),
            reason,
            p.comparison.differences,
        )
        self.record(result, (p.i,), (p.j,))

    def assign(self, pass_: Pass, pairs: list[_Pair], reason: Callable[[_Pair], str]) -> None:
        """R-REC-10: best rank first; a tie on a document makes its component ambiguous."""
        pairs.sort(key=lambda p: p.rank)
        for _, level in groupby(pairs, key=lambda p: p.rank):
            live = [
                p
                for p in level
                if p.i in self.free_b and p.j in self.free_p and not self.kept_apart(p)
            ]
            per_b = Counter(p.i for p in live)
            per_p = Counter(p.j for p in live)
            tied = [p for p in live if per_b[p.i] > 1 or per_p[p.j] > 1]
            for p in live:
                if per_b[p.i] == 1 and per_p[p.j] == 1:
                    self.pair(pass_, p, reason(p))
            self.ambiguous(pass_, tied)

    def ambiguous(self, pass_: Pass, tied: list[_Pair]) -> None:
        links: dict[tuple[str, int], set[tuple[str, int]]] = defaultdict(set)
        for p in tied:
            links[("b", p.i)].add(("p", p.j))
            links[("p", p.j)].add(("b", p.i))
        seen: set[tuple[str, int]] = set()
        for start in sorted(links):
            if start in seen:
                continue
            component, todo = set(), [start]
            while todo:
                node = todo.pop()
                if node not in component:
                    component.add(node)
                    todo.extend(links[node])
            seen |= component
            bs = sorted((n for side, n in component if side == "b"), key=self._book_ref)
            ps = sorted((n for side, n in component if side == "p"), key=self._portal_ref)
            reason = (
                f"{len(bs)} books and {len(ps)} portal documents are equally good candidates "
                f"in pass {pass_.value}: pair them by hand"
            )
            result = Result(
                Outcome.AMBIGUOUS,
                pass_,
                tuple(self.books[i] for i in bs),
                tuple(self.portal[j] for j in ps),
                reason,
            )
            self.record(result, bs, ps)

    def _book_ref(self, i: int) -> str:
        return self.books[i].ref

    def _portal_ref(self, j: int) -> str:
        return self.portal[j].ref

    # -- passes ---------------------------------------------------------------------------

    def number_pairs(self) -> dict[Pass, list[_Pair]]:
        """Every pair sharing recipient, kind, supplier and normalised number, by its pass."""
        index = self.portal_index(self.p_key.__getitem__)
        by_pass: dict[Pass, list[_Pair]] = defaultdict(list)
        for i in sorted(self.free_b):
            b = self.books[i]
            for j in index.get(self.b_key[i], ()):
                c = compare(b, self.portal[j], self.tolerance)
                pass_, outcome = _by_number(b, self.portal[j], c)
                by_pass[pass_].append(_Pair(c.rank, i, j, outcome, c))
        return by_pass

    def similar_pairs(self) -> list[_Pair]:
        """R-REC-7, only inside one supplier's leftovers; dates within the window."""
        portal_left: dict[Hashable, list[int]] = defaultdict(list)
        for j in sorted(self.free_p):
            portal_left[self.supplier_key(self.portal[j])].append(j)
        pairs = []
        for i in sorted(self.free_b):
            b = self.books[i]
            for j in portal_left.get(self.supplier_key(b), ()):
                p = self.portal[j]
                if not are_similar(self.b_number[i], self.p_number[j]):
                    continue
                c = compare(b, p, self.tolerance)
                if c.within and abs(c.gap) <= self.tolerance.window(b.kind):
                    pairs.append(_Pair(c.rank, i, j, Outcome.PROBABLE_SIMILAR_NUMBER, c))
        return pairs

    def club(self) -> None:
        """R-REC-11: one document against several of the same supplier and day."""
        self._club_side(books_is_one=True)
        self._club_side(books_is_one=False)

    def _club_side(self, books_is_one: bool) -> None:
        ones, manys = (self.books, self.portal) if books_is_one else (self.portal, self.books)
        one_numbers, many_numbers = (
            (self.b_number, self.p_number) if books_is_one else (self.p_number, self.b_number)
        )
        free_one, free_many = (
            (self.free_b, self.free_p) if books_is_one else (self.free_p, self.free_b)
        )
        by_day: dict[Hashable, list[int]] = defaultdict(list)
        by_number: dict[Hashable, list[int]] = defaultdict(list)
        for m in sorted(free_many):
            d = manys[m]
            by_day[(self.supplier_key(d), d.match_date)].append(m)
            by_number[self.number_key(d, many_numbers[m])].append(m)
        for o in sorted(free_one, key=lambda o: (ones[o].supplier, one_numbers[o], ones[o].ref)):
            one = ones[o]
            anchors = [
                m for m in by_number.get(self.number_key(one, one_numbers[o]), ()) if m in free_many
            ]
            members = self._club_members(one, anchors, by_day, manys, free_many)
            if members is None:
                continue
            bs, ps = ((o,), members) if books_is_one else (members, (o,))
            self._record_club(bs, ps)

    def _club_members(
        self,
        one: Document,
        anchors: list[int],
        by_day: dict[Hashable, list[int]],
        manys: Sequence[Document],
        free_many: set[int],
    ) -> tuple[int, ...] | None:
        """The one smallest set (holding an anchor) whose sums are within tolerance."""
        found: list[tuple[int, ...]] = []
        for anchor in anchors:
            pool = [
                m
                for m in by_day.get(
                    (self.supplier_key(manys[anchor]), manys[anchor].match_date), ()
                )
                if m in free_many
            ]
            if len(pool) > CLUB_POOL:
                continue
            for size in range(2, len(pool) + 1):
                for combo in combinations(pool, size):
                    if anchor in combo and self._sums_within(one, [manys[m] for m in combo]):
                        found.append(combo)
                if found:
                    break
        unique = sorted(set(found))
        if len(unique) != 1:
            return None
        return unique[0]

    def _sums_within(self, one: Document, members: list[Document]) -> bool:
        sums = [sum(column, ZERO) for column in zip(*(_amounts(m) for m in members), strict=True)]
        return all(self.tolerance.allows(a, s) for a, s in zip(_amounts(one), sums, strict=True))

    def _record_club(self, bs: tuple[int, ...], ps: tuple[int, ...]) -> None:
        bs = tuple(sorted(bs, key=self._book_ref))
        ps = tuple(sorted(ps, key=self._portal_ref))
        books = tuple(self.books[i] for i in bs)
        portal = tuple(self.portal[j] for j in ps)
        diffs = []
        for name, b, p in zip(
            AMOUNT_FIELDS,
            (sum(c, ZERO) for c in zip(*(_amounts(d) for d in books), strict=True)),
            (sum(c, ZERO) for c in zip(*(_amounts(d) for d in portal), strict=True)),
            strict=True,
        ):
            if b != p:
                diffs.append(Difference(name, str(b), str(p), p - b, self.tolerance.amount))
        reason = (
            f"clubbed: {len(books)} books document(s) {', '.join(d.number for d in books)} "
            f"against {len(portal)} portal document(s) {', '.join(d.number for d in portal)}; "
            f"the sums agree within ₹{self.tolerance.amount}"
        )
        self.record(
            Result(Outcome.MATCHED_CLUBBED, Pass.CLUBBING, books, portal, reason, tuple(diffs)),
            bs,
            ps,
        )

    def keyed_pairs(
        self,
        books_key: Callable[[int], Hashable],
        portal_key: Callable[[int], Hashable],
        differs: Callable[[Document, Document], Difference | None],
        outcome: Outcome,
    ) -> list[_Pair]:
        index = self.portal_index(portal_key)
        pairs = []
        for i in sorted(self.free_b):
            b = self.books[i]
            for j in index.get(books_key(i), ()):
                extra = differs(b, self.portal[j])
                if extra is None:
                    continue
                c = compare(b, self.portal[j], self.tolerance)
                c = Comparison(
                    (extra, *c.differences),
                    c.exact,
                    c.within,
                    c.tax_type,
                    c.attributes_differ,
                    c.gap,
                    c.distance,
                )
                pairs.append(_Pair(c.rank, i, j, outcome, c))
        return pairs

    def amount_only(self) -> None:
        """Pass 7: same supplier, amounts within tolerance, dates in window, unique both ways."""
        width = max(self.tolerance.amount, PAISA)
        buckets: dict[Hashable, list[int]] = defaultdict(list)
        for j in sorted(self.free_p):
            doc = self.portal[j]
            buckets[(self.supplier_key(doc), int(doc.taxable // width))].append(j)
        pairs = []
        for i in sorted(self.free_b):
            b = self.books[i]
            bucket = int(b.taxable // width)
            for near in (bucket - 1, bucket, bucket + 1):
                for j in buckets.get((self.supplier_key(b), near), ()):
                    c = compare(b, self.portal[j], self.tolerance)
                    if c.within and abs(c.gap) <= self.tolerance.window(b.kind):
                        pairs.append(_Pair(c.rank, i, j, Outcome.PROBABLE_AMOUNT_ONLY, c))
        pairs = [p for p in pairs if not self.kept_apart(p)]
        per_b = Counter(p.i for p in pairs)
        per_p = Counter(p.j for p in pairs)
        for p in sorted(pairs, key=lambda p: (p.i, p.j)):
            if per_b[p.i] == 1 and per_p[p.j] == 1:
                reason = (
                    f"probable: numbers {self.books[p.i].number} and {self.portal[p.j].number} "
                    f"differ; only the amounts and a date {abs(p.comparison.gap)} day(s) apart "
                    "agree. Review before acting"
                )
                self.pair(Pass.AMOUNT_ONLY, p, reason)

    # -- after the passes -----------------------------------------------------------------

    def booked_later(self) -> None:
        """R-REC-13: a match booked after the run's last period waits for the next period."""
        if self.run_end is None:
            return
        end = self.run_end
        for n, r in enumerate(self.results):
            late = [d for d in r.books if d.posting_date is not None and d.posting_date > end]
            if r.outcome in MATCHED_OUTCOMES and late and all(p.doc_date <= end for p in r.portal):
                reason = (
                    f"booked later: posted on {shown(late[0].posting_date or end)}, after the "
                    f"run's last period ending {shown(end)}; keep Pending and claim next period"
                )
                self.results[n] = Result(
                    Outcome.BOOKED_LATER, r.decided_by, r.books, r.portal, reason, r.differences
                )

    def unpaired(self) -> None:
        """What is left is only in the books or only in the portal, with its near misses."""
        near_p = self._near_index(self.portal, self.p_key, {self.b_number[i] for i in self.free_b})
        near_b = self._near_index(self.books, self.b_key, {self.p_number[j] for j in self.free_p})
        for i in sorted(self.free_b):
            found = self._nearest(
                self.books[i], self.b_number[i], near_p, self.portal, self.p_result
            )
            self.results.append(
                Result(
                    Outcome.ONLY_IN_BOOKS,
                    Pass.UNPAIRED,
                    (self.books[i],),
                    (),
                    ONLY_IN_BOOKS,
                    (),
                    found,
                )
            )
        for j in sorted(self.free_p):
            found = self._nearest(
                self.portal[j], self.p_number[j], near_b, self.books, self.b_result
            )
            self.results.append(
                Result(
                    Outcome.ONLY_IN_PORTAL,
                    Pass.UNPAIRED,
                    (),
                    (self.portal[j],),
                    ONLY_IN_PORTAL,
                    (),
                    found,
                )
            )

    @staticmethod
    def _near_index(
        docs: Sequence[Document], keys: list[Key], numbers: set[str]
    ) -> dict[Hashable, list[int]]:
        """(kind, party, number) and (kind, PAN, number) of every document with one of these
        normalised numbers (those of the other side's unpaired ones), to list near misses."""
        index: dict[Hashable, list[int]] = defaultdict(list)
        for n, (d, key) in enumerate(zip(docs, keys, strict=True)):
            if key[3] not in numbers:
                continue
            index[key[1:]].append(n)
            index[(key[1], d.supplier[2:12], key[3])].append(n)
        return index

    def _nearest(
        self,
        doc: Document,
        number: str,
        index: dict[Hashable, list[int]],
        others: Sequence[Document],
        taken: dict[int, Result],
    ) -> tuple[Candidate, ...]:
        kind = _match_kind(doc.kind)
        hits = set(index.get((kind, self.party(doc), number), ()))
        hits |= set(index.get((kind, doc.pan, number), ()))
        ranked = sorted(
            hits,
            key=lambda n: (abs((others[n].match_date - doc.match_date).days), others[n].ref),
        )
        return tuple(
            Candidate(others[n], self._why_not(doc, others[n], taken.get(n)))
            for n in ranked[:NEAREST]
        )

    def _why_not(self, doc: Document, other: Document, taken: Result | None) -> str:
        if taken is not None:
            return f"same number, but already in a {taken.outcome.value} result"
        if doc.recipient != other.recipient:
            return f"same number, reported to {other.recipient}"
        if doc.supplier != other.supplier:
            return f"same number, under another GSTIN {other.supplier}"
        if financial_year_of(doc.match_date) != financial_year_of(other.match_date):
            return "same number, in another financial year"
        return "same number, not paired"


@dataclass(frozen=True, slots=True)
class Manual:
    """R-REC-18: pairs made by hand and pairs kept apart by hand, as (books ref, portal ref)."""

    pairs: frozenset[tuple[str, str]] = frozenset()
    apart: frozenset[tuple[str, str]] = frozenset()


NO_MANUAL = Manual()


def _by_hand(c: Comparison) -> Outcome:
    """The outcome of a pair made by hand: what its amounts say, never "probable"."""
    if c.within and not c.attributes_differ:
        return Outcome.MATCHED if c.exact and not c.gap else Outcome.MATCHED_WITHIN_TOLERANCE
    if c.tax_type or c.within:
        return Outcome.TAX_TYPE_MISMATCH
    return Outcome.VALUE_MISMATCH


def reconcile(
    books: Sequence[Document],
    portal: Sequence[Document],
    tolerance: Tolerance = DEFAULT_TOLERANCE,
    run_end: date | None = None,
    manual: Manual = NO_MANUAL,
) -> tuple[Result, ...]:
    """Every document of either side in exactly one result (R-REC-9 … R-REC-14, R-REC-18)."""
    with cycle_collector_paused():
        return _reconcile(books, portal, tolerance, run_end, manual)


def _reconcile(
    books: Sequence[Document],
    portal: Sequence[Document],
    tolerance: Tolerance,
    run_end: date | None,
    manual: Manual,
) -> tuple[Result, ...]:
    run = _Run(books, portal, tolerance, run_end)
    run.apart = manual.apart
    run.manual_pairs(manual)
    by_pass = run.number_pairs()
    run.assign(Pass.EXACT, by_pass[Pass.EXACT], lambda p: "exact: number, date and amounts agree")
    run.assign(Pass.NUMBER_AND_DATE, by_pass[Pass.NUMBER_AND_DATE], _within_reason(tolerance))
    run.assign(Pass.NUMBER, by_pass[Pass.NUMBER], _date_reason(tolerance))
    run.assign(Pass.SIMILAR_NUMBER, run.similar_pairs(), _similar_reason)
    run.club()
    run.assign(
        Pass.NUMBER_VALUE, _still_free(run, by_pass[Pass.NUMBER_VALUE]), _value_reason(tolerance)
    )
    run.assign(
        Pass.OTHER_RECIPIENT,
        run.keyed_pairs(
            lambda i: run.other_recipient_key(run.books[i], run.b_number[i]),
            lambda j: run.other_recipient_key(run.portal[j], run.p_number[j]),
            _recipient_differs,
            Outcome.REPORTED_TO_OTHER_GSTIN,
        ),
        lambda p: "the supplier reported this document to another GSTIN of yours",
    )
    run.assign(
        Pass.PAN,
        run.keyed_pairs(
            lambda i: run.pan_key(run.books[i], run.b_number[i]),
            lambda j: run.pan_key(run.portal[j], run.p_number[j]),
            _supplier_differs,
            Outcome.OTHER_GSTIN_SAME_PAN,
        ),
        _pan_reason,
    )
    run.amount_only()
    run.booked_later()
    run.unpaired()
    return tuple(sorted(run.results, key=_result_order))


def _still_free(run: _Run, pairs: list[_Pair]) -> list[_Pair]:
    return [p for p in pairs if p.i in run.free_b and p.j in run.free_p]


_OUTCOME_ORDER = {outcome: n for n, outcome in enumerate(Outcome)}


def _result_order(r: Result) -> tuple[int, str, tuple[str, ...], tuple[str, ...]]:
    return (
        _OUTCOME_ORDER[r.outcome],
        r.supplier,
        tuple(d.ref for d in r.books),
        tuple(d.ref for d in r.portal),
    )


def _recipient_differs(b: Document, p: Document) -> Difference | None:
    if b.recipient == p.recipient:
        return None
    return Difference("recipient", b.recipient, p.recipient)


def _supplier_differs(b: Document, p: Document) -> Difference | None:
    if b.supplier == p.supplier or b.kind is Kind.BOE:
        return None
    return Difference("supplier", b.supplier, p.supplier)


def _fields(p: _Pair) -> str:
    named = [d for d in p.comparison.differences if d.delta is not None and d.field != "date"]
    return "; ".join(f"{d.field} differs by ₹{d.delta}" for d in named) or "amounts agree"


def _within_reason(tolerance: Tolerance) -> Callable[[_Pair], str]:
    return lambda p: f"number and date agree; {_fields(p)}, within ₹{tolerance.amount}"


def _date_reason(tolerance: Tolerance) -> Callable[[_Pair], str]:
    return lambda p: (
        f"number and amounts agree (within ₹{tolerance.amount}); the dates are "
        f"{abs(p.comparison.gap)} day(s) apart"
    )


def _similar_reason(p: _Pair) -> str:
    numbers = next(d for d in p.comparison.differences if d.field == "number")
    return (
        f"probable: similar numbers {numbers.books} and {numbers.portal}, amounts agree, "
        f"{abs(p.comparison.gap)} day(s) apart. Review before acting"
    )


def _value_reason(tolerance: Tolerance) -> Callable[[_Pair], str]:
    def reason(p: _Pair) -> str:
        if p.outcome is Outcome.FINANCIAL_YEAR_DIFFERS:
            return "same number, but the financial year differs: never paired automatically"
        if p.outcome is Outcome.TAX_TYPE_MISMATCH:
            return (
                "same number and total tax, but the tax heads, place of supply or reverse "
                "charge differ"
            )
        return f"same number; {_fields(p)} (tolerance ₹{tolerance.amount})"

    return reason


def _pan_reason(p: _Pair) -> str:
    diffs = p.comparison.differences
    tax = [x.delta for x in diffs if x.field in AMOUNT_FIELDS[1:] and x.delta is not None]
    return (
        "the supplier reported this number under another of its GSTINs; total tax differs by "
        f"₹{sum(tax, ZERO)}"
    )
