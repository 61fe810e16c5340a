"""Who is reading: a value every read of the store requires.

Dependency-free on purpose: the API, the CLI, the web pages and the store all pass it
around, and none of them should need the store's schema or the exchange to name one.
There is no default viewer: a read without one is refused (`Viewer.of(None)` raises),
so a forgotten argument fails closed instead of reading as the operator.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


class MissingViewer(TypeError):
    """A read was asked for without saying who reads."""


@dataclass(frozen=True)
class Viewer:
    """A member (by slug) or the platform operator; `actor` names them in the audit log.

    `assuming` names draft agreements that this read treats as active (the operator's
    preview of what a partner would see under an agreement before it takes effect): the
    one policy runs unchanged, only the agreements it reads include them. Only the
    admin screens set it; a member's own reads never do.
    """

    member: str | None
    operator: bool = False
    actor: str = "anonymous"  # the username or token name, for the audit log
    assuming: tuple[str, ...] = ()  # agreement slugs read as if active

    def assuming_agreement(self, slug: str) -> Viewer:
        """This viewer as it would read with agreement `slug` in force."""
        return replace(self, assuming=(*self.assuming, slug), actor=f"preview:{self.actor}")

    @classmethod
    def as_operator(cls, actor: str = "operator") -> Viewer:
        return cls(None, operator=True, actor=actor)

    @classmethod
    def of(cls, viewer: Viewer | str | None) -> Viewer:
        """A viewer as given, or a member by slug; None is refused (fails closed)."""
        if isinstance(viewer, Viewer):
            return viewer
        if isinstance(viewer, str) and viewer:
            return cls(viewer, actor=viewer)
        raise MissingViewer(
            f"a read needs a viewer (a member slug, a Viewer or OPERATOR), got {viewer!r}"
        )


# The local operator (the CLI on the server): sees everything, and says so explicitly.
OPERATOR = Viewer.as_operator("cli")
