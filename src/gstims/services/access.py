"""The one guard of roles (issue 17): every entrypoint — API route, dashboard page, CLI
command — asks `require(principal, gstin, capability)` before it calls a use case.

A GSTIN not granted at all and a role without the capability are both refused with
`GSTIMS403`, before anything is read or written; the message names the role held and what
the call needs, never anything of another GSTIN.

Example: a viewer of 27AAPFU0939F1ZV calling SAVE gets `GSTIMS403 "your role for
27AAPFU0939F1ZV is viewer; this needs preparer"`.
"""

from __future__ import annotations

from gstims.domain.errors import GSTIMS403
from gstims.domain.roles import Capability, Role
from gstims.services.errors import Forbidden
from gstims.services.taxpayers import Principal

LEAST_ROLE = {role.capability: role for role in Role}  # the lowest role holding a capability


class RoleRefused(Forbidden):
    """403: the GSTIN is not granted, or the role held lacks the capability."""


def require(principal: Principal, gstin: str, capability: Capability) -> str:
    """The GSTIN, when `principal` holds a role on it with `capability`; else `RoleRefused`."""
    wanted = gstin.strip().upper()
    role = principal.role(wanted)
    if role is None:
        raise RoleRefused(GSTIMS403, f"{wanted} is not granted to {principal.name}")
    if not principal.may(wanted, capability):
        raise RoleRefused(
            GSTIMS403,
            f"your role for {wanted} is {role.value}; this needs {LEAST_ROLE[capability].value}",
        )
    return wanted
