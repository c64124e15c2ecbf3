"""A record's IMS state: the recipient's action, remarks and ITC-reduction declaration.

R-ACT-1: four actions (N, A, R, P); the latest wins. R-ACT-7: on an accepted specified record
in era E2 the recipient may declare how much ITC it reduces: `itcRedReq` Y with no amounts
(the record's full tax — also what happens when nothing is declared), Y with amounts, or N.

Example: CN-3 carries IGST 18,000 and is accepted with `Declaration(required=True,
amounts=Tax.of(igst=9000))` and remarks "only half availed": it reduces ITC by 9,000
(rules.md §9 ex. 7).
"""

from __future__ import annotations

from dataclasses import dataclass

from gstims.domain.money import Tax
from gstims.domain.records import Action


@dataclass(frozen=True, slots=True)
class Declaration:
    """`itcRedReq` and `decl*`: required=False is `N`; amounts None with required is "full"."""

    required: bool
    amounts: Tax | None = None

    @property
    def is_full(self) -> bool:
        return self.required and self.amounts is None

    @property
    def is_partial_or_nil(self) -> bool:
        return not self.is_full


@dataclass(frozen=True, slots=True)
class ImsState:
    action: Action = Action.NO_ACTION
    remarks: str | None = None
    declaration: Declaration | None = None


NO_ACTION = ImsState()


def reduction_of(tax: Tax, declaration: Declaration | None) -> Tax:
    """The ITC a credit note reduces under a declaration (R-ACT-7, R-2B-4)."""
    if declaration is None or declaration.is_full:
        return tax
    if not declaration.required:
        return Tax()
    return declaration.amounts if declaration.amounts is not None else Tax()
