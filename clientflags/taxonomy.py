"""The red-flag taxonomy: the label set that clientflags predicts.

The ids are a stable API (they mirror ``TAXONOMY.md`` v1). The taxonomy is
shipped as data in the package, as plain Python literals, so that reading it
costs no file I/O at import time.

Examples
--------
>>> from clientflags.taxonomy import get_label
>>> get_label("late_payment").name
'Mauvais payeur'
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from clientflags.errors import InvalidTypeError, UnknownLabelError

__all__ = ["LABELS", "LABEL_IDS", "TAXONOMY_VERSION", "Label", "get_label", "validate_label_ids"]

TAXONOMY_VERSION = "1"


@dataclass(frozen=True, slots=True)
class Label:
    """One red flag of the taxonomy.

    Attributes
    ----------
    id : str
        Stable snake_case identifier, e.g. ``"late_payment"``.
    name : str
        French display name, e.g. ``"Mauvais payeur"``.
    definition : str
        What the client does, in the words of the taxonomy.
    advice : str
        Short practical advice, in French, for the provider who receives such an email.
    """

    id: str
    name: str
    definition: str
    advice: str = ""


LABELS: tuple[Label, ...] = (
    Label(
        "late_payment",
        "Mauvais payeur",
        'delays or avoids paying an invoice that is due: excuses, endless "next week", '
        "contests the invoice to gain time, pays part and stalls, imposes 60–90 day terms "
        'after the fact, says accounting "has procedures"',
        "Rappelez l'échéance par écrit et la date attendue. Entre professionnels, en France, les "
        "pénalités de retard et l'indemnité forfaitaire de 40 € sont dues : mentionnez-les. Ne livrez la"
        " suite qu'une fois la facture réglée.",
    ),
    Label(
        "refuses_deposit",
        "Refuse l'acompte",
        "refuses or haggles away the deposit / advance before the work starts; wants to see "
        "results before committing any money",
        "Ne commencez pas sans acompte : 30 à 50 % à la signature est l'usage. Proposez plutôt un "
        "paiement en plusieurs fois, chacun daté, que d'y renoncer.",
    ),
    Label(
        "free_work",
        "Travail gratuit",
        'asks for work, samples, a test, an audit or expert advice for free, or paid "in '
        'visibility", exposure, future work or a share of hypothetical profits',
        "Votre temps a un prix : proposez un premier livrable court et payant (audit, atelier, maquette)"
        " au lieu d'un test gratuit. La visibilité ne paie pas le loyer.",
    ),
    Label(
        "price_haggling",
        "Négocie les prix",
        "pushes the price down: finds it too expensive, compares with a cheaper "
        "nephew/platform, asks for discounts, uses complaints as a lever to pay less",
        "Défendez le prix par la valeur et le périmètre. Si vous baissez, retirez quelque chose du "
        "périmètre plutôt que de brader votre taux.",
    ),
    Label(
        "scope_creep",
        "Hors périmètre",
        "adds tasks that were not in the quote/contract and expects them included at no extra cost",
        "Renvoyez au devis signé et chiffrez chaque ajout (devis complémentaire ou avenant) avant de le faire.",
    ),
    Label(
        "endless_revisions",
        "Insatisfait chronique",
        "is never satisfied: asks to redo again and again, vague dissatisfaction, keeps "
        "changing the brief after each round, often after consulting friends/family",
        "Fixez dans le devis le nombre d'allers-retours, demandez des retours groupés et précis, et "
        "facturez les tours en plus.",
    ),
    Label(
        "distrusts_expertise",
        "Remet en cause l'expertise",
        "questions the provider's competence, overrides professional advice, edits the "
        "deliverables themself, blames the provider for results it blocked",
        "Donnez vos recommandations par écrit, avec leurs raisons. Quand le client choisit une autre "
        "voie, notez-le : la responsabilité du résultat change de camp.",
    ),
    Label(
        "disrespects_time",
        "Ne respecte pas ton temps",
        "treats the provider as always available: everything is urgent, calls/messages at "
        "night or on weekends, demands immediate answers, complains that the provider works "
        "for other clients",
        "Annoncez vos horaires et votre délai de réponse habituel. Une vraie urgence se facture en "
        "supplément ; le reste attend les heures ouvrées.",
    ),
    Label(
        "belittles_work",
        "Minimise le travail",
        "dismisses the effort or skill the work takes",
        "Rendez le travail visible : détaillez les étapes et le temps passé dans vos devis et vos comptes rendus.",
    ),
    Label(
        "disrespect",
        "Irrespect",
        "is rude, contemptuous, insulting or threatening; talks down to the provider",
        "Posez une limite claire et gardez une trace écrite. Face aux insultes ou aux menaces, vous "
        "pouvez mettre fin à la collaboration selon les termes du contrat.",
    ),
)

LABEL_IDS: tuple[str, ...] = tuple(label.id for label in LABELS)

_BY_ID = {label.id: label for label in LABELS}


def _unknown_label_message(label_id: object) -> str:
    close = difflib.get_close_matches(str(label_id), LABEL_IDS, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return f"Unknown label id {label_id!r}.{hint} Valid ids: {', '.join(LABEL_IDS)}."


def get_label(label_id: str) -> Label:
    """Return the :class:`Label` with this id.

    Parameters
    ----------
    label_id : str
        A taxonomy id such as ``"scope_creep"``.

    Returns
    -------
    Label
        The label, with its French name and definition.

    Raises
    ------
    UnknownLabelError
        If the id is not in the taxonomy; the message names the closest id.

    Examples
    --------
    >>> get_label("scope_creep").name
    'Hors périmètre'
    """
    try:
        return _BY_ID[label_id]
    except (KeyError, TypeError):
        raise UnknownLabelError(_unknown_label_message(label_id)) from None


def validate_label_ids(label_ids: Iterable[str]) -> tuple[str, ...]:
    """Check label ids against the taxonomy and return them in taxonomy order.

    Parameters
    ----------
    label_ids : iterable of str
        Label ids, in any order; duplicates are merged.

    Returns
    -------
    tuple of str
        The distinct ids, ordered as in :data:`LABEL_IDS`.

    Raises
    ------
    UnknownLabelError
        If any id is not in the taxonomy.

    Examples
    --------
    >>> validate_label_ids(["disrespect", "late_payment", "disrespect"])
    ('late_payment', 'disrespect')
    """
    if isinstance(label_ids, str):
        raise InvalidTypeError(
            "validate_label_ids() expects a collection of label ids, got a single str; "
            f"wrap it in a list: [{label_ids!r}]."
        )
    wanted = set()
    for label_id in label_ids:
        if label_id not in _BY_ID:
            raise UnknownLabelError(_unknown_label_message(label_id))
        wanted.add(label_id)
    return tuple(label_id for label_id in LABEL_IDS if label_id in wanted)
