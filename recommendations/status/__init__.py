"""THE status rule: the status of a recommendation as of a date, overall and for one addressee.

Every page, export, the brief, owners, recurrence and the status-over-time chart ask here; nothing
else decides what a status is. The rule (README, "How a status is worked out"):

1. **Standing assessments.** Only published assessments count, and only those not superseded by a
   published correction or by a withdrawal, dated (``as_of``) on or before the day asked about.
   A partial date stands for its first day ("2019-07" is 1 July 2019), here as in validation.
2. **Scope.** An assessment scoped to an addressee speaks for that addressee's part of the ask only;
   an unscoped one speaks for the whole ask, so for every addressee.
3. **For one addressee:** the latest standing assessment that speaks for it. "Latest" is by as-of
   date, then a scoped one before an unscoped one of the same date, then the later recorded, then the
   greater id compared byte by byte (the same on SQLite and on any PostgreSQL locale). None: not assessed.
4. **Overall:** the least advanced of the responsible addressees' statuses, among those that have one
   (the supporting addressees' only when no responsible addressee has one); a tie goes to the latest
   assessment. The scope is kept, so a page can say "as assessed for RGC". None: not assessed.
5. **For chosen addressees** (a brief on MoLVT): the least advanced of those addressees' statuses, not
   assessed included, so an ask nobody has judged for them stays open for them; a tie goes to the latest.

A status judged for one actor therefore never appears as another actor's. The rule is written three ways, in
one package: ``sql`` (statements, for aggregating in the database; rule 3's "latest" is picked by ranking, or by
an index lookup per addressee where that is faster, ``picks_by_index``: the same rows), ``answer`` (``statuses``:
one query of rules 1-3, rules 4-5 applied to its rows, what a page, an export or the brief asks once per request;
``overall_statuses``: rule 4's answer alone) and ``facts`` (pure Python, for rows already held and the tests'
oracle); the tests check them against each other on randomised histories, both SQL picks on both databases.
``kinds`` says which records are asks, and so may be open.
"""

from recommendations.status.answer import AddresseeStatus, Overall, Statuses, least_advanced, overall_statuses, statuses
from recommendations.status.facts import (
    NOT_ASSESSED,
    Fact,
    Verdict,
    for_addressee,
    overall_verdict,
    standing_facts,
    states,
)
from recommendations.status.kinds import NOT_ASKS, is_ask, is_open_ask, open_ask
from recommendations.status.sql import (
    IN_FORCE,
    RETURNED,
    effective_visibility,
    in_force,
    overall,
    per_addressee,
    picks_by_index,
    published,
    standing,
    today,
)
from recommendations.status.years import year_ends

__all__ = [
    "IN_FORCE", "NOT_ASKS", "NOT_ASSESSED", "RETURNED", "AddresseeStatus", "Fact", "Overall", "Statuses", "Verdict",
    "effective_visibility", "for_addressee", "in_force", "is_ask", "is_open_ask", "least_advanced", "open_ask",
    "overall", "overall_statuses", "overall_verdict", "per_addressee", "picks_by_index", "published", "standing",
    "standing_facts", "states", "statuses", "today", "year_ends",
]  # fmt: skip
